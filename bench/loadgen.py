"""A small HTTP/1.1 load generator for bench/pages.py: keep-alive connections on one asyncio
loop, a login that posts the form with its CSRF token, and a canned server that measures the
generator's own ceiling.

Standard library only, so that the benchmark needs nothing the app does not.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import socket
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Result:
    """What one page did under load: completed requests, their latencies, failures."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """The latency below which ``share`` of the requests finished, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_bytes(path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Language: en"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server keeps the connection."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed before the response")
    status = int(status_line.split()[1])
    length, chunked, keep = None, False, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep = False
    if chunked:
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readline()
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        keep = False
    return status, keep


async def _client(port: int, payload: bytes, stop: float, result: Result) -> None:
    reader = writer = None
    while time.perf_counter() < stop:
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            status, keep = await _read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            result.failures += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
            continue
        result.latencies.append(time.perf_counter() - started)
        if status != 200:
            result.failures += 1
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, payload: bytes, connections: int, seconds: float) -> Result:
    started = time.perf_counter()
    result = Result(seconds)
    stop = started + seconds
    await asyncio.gather(*(_client(port, payload, stop, result) for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def load(port: int, path: str, cookie: str, *, connections: int, seconds: float, warmup: float):
    """Request one path over ``connections`` connections for ``seconds`` after a warm-up."""
    payload = request_bytes(path, cookie)
    if warmup:
        asyncio.run(_load(port, payload, connections, warmup))
    return asyncio.run(_load(port, payload, connections, seconds))


def login(port: int, email: str, password: str) -> str:
    """Sign in through the login form (with its CSRF token); return the Cookie header."""
    jar: dict[str, str] = {}

    def exchange(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            jar.update({name: morsel.value for name, morsel in cookie.items()})
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    from urllib.parse import urlencode

    _, page = exchange("GET", "/login")
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    form = {"csrf_token": match.group(1) or match.group(2), "email": email, "password": password}
    status, _ = exchange("POST", "/login", urlencode(form))
    if status != 302:
        raise RuntimeError(f"logging in as {email} answered {status}, not a redirect")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    """One request, for checking that a page answers 200 before it is loaded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "en"})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


def serve_canned(port: int, ready) -> None:
    """The cheapest possible HTTP server (its own process): what the generator can drive."""
    body = b'{"status":"ok"}'
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    async def handle(reader, writer):
        try:
            while True:
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    pass
                if not line:
                    break
                writer.write(reply)
                await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=256)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())
