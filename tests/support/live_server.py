"""A real multi-process server: gunicorn with several sync workers, as in production.

It serves wsgi.py's app with TALENT_ENV=testing against the test database, with CSRF on; the
test process builds its data and commits it, and the workers see it as any other client's.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.smtp import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
START_SECONDS = 60


def server_environment(database_url: str, **settings) -> dict[str, str]:
    """The process environment of a server on ``database_url``: only the given TALENT_ ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALENT_")}
    env.update(TALENT_ENV="testing", TALENT_DATABASE_URL=database_url)
    env.update({f"TALENT_{key}": str(value) for key, value in settings.items()})
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{log_path.read_text()[-3000:]}")
        connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=2)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except (ConnectionError, TimeoutError):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer in {START_SECONDS} s:\n{log_path.read_text()}")


@contextmanager
def live_server(database_url: str, log_path: Path, *, workers: int = 4, **settings):
    """Run gunicorn on a free port for the duration of the block; yield its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        GUNICORN,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--timeout=60",
        "--graceful-timeout=5",
        "wsgi:app",
    ]
    env = server_environment(database_url, BASE_URL=base_url, **settings)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(base_url, process, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
