"""A small HTTP client for a live server: one user's cookies, pages, forms, and the same form
sent several times at once (a double-click, a retry, a proxy resending)."""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from tests.support.html_forms import Form, find_form, parse_forms

TIMEOUT_SECONDS = 60
MAX_REDIRECTS = 5


@dataclass
class Answer:
    status: int
    location: str
    body: str
    set_cookies: list[str] = field(default_factory=list)


class WebClient:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.cookies: dict[str, str] = {}

    def _headers(self, body: bool) -> dict[str, str]:
        headers = {"Accept-Language": "en", "Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers

    def _send(self, method: str, path: str, headers: dict, body: str | None) -> Answer:
        connection = http.client.HTTPConnection(self.host, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            cookies = response.headers.get_all("Set-Cookie") or []
            answer = Answer(response.status, response.headers.get("Location", ""), text, cookies)
        finally:
            connection.close()
        return answer

    def _keep(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def request(self, method: str, path: str, pairs=None) -> Answer:
        """Send one request with the user's cookies and keep the cookies it sets."""
        body = urlencode(pairs or []) if method == "POST" else None
        answer = self._send(method, path, self._headers(body is not None), body)
        self._keep(answer.set_cookies)
        return answer

    def get(self, path: str) -> tuple[Answer, str]:
        """GET a page, following redirects as a browser does; the answer and its final path."""
        for _ in range(MAX_REDIRECTS):
            answer = self.request("GET", path)
            if answer.status not in (301, 302, 303, 307, 308):
                return answer, path
            target = urlsplit(urljoin(self.base_url + path, answer.location))
            path = target.path + (f"?{target.query}" if target.query else "")
        raise AssertionError(f"more than {MAX_REDIRECTS} redirects from {path}")

    def forms(self, path: str) -> tuple[Answer, list[Form]]:
        answer, final_path = self.get(path)
        return answer, parse_forms(answer.body, self.base_url + final_path)

    def form(self, page: str, target: str) -> Form:
        answer, forms = self.forms(page)
        assert answer.status == 200, f"GET {page}: {answer.status}"
        form = find_form(forms, target)
        actions = sorted({f.path for f in forms if f.method == "post"})
        assert form is not None, f"no form posting to {target} on {page}; forms post to {actions}"
        return form

    def log_in(self, email: str, password: str) -> None:
        """Sign in through the login form, CSRF token and all."""
        form = self.form("/login", "/login")
        answer = self.request("POST", "/login", form.fill({"email": email, "password": password}))
        assert answer.status == 302, f"login as {email} failed: {answer.status}"

    def page_after(self, answer: Answer) -> str:
        """The page a redirect leads to, seen with the cookies that answer set (its flash)."""
        follower = WebClient(self.base_url)
        follower.cookies = dict(self.cookies)
        follower._keep(answer.set_cookies)
        target = urlsplit(urljoin(self.base_url, answer.location))
        return follower.get(target.path + (f"?{target.query}" if target.query else ""))[0].body

    def post_at_once(self, path: str, pairs, times: int) -> list[Answer]:
        """Send the same POST ``times`` times from as many threads, released together, all with
        the cookies of now; return the answers (cookies they set are not kept)."""
        body = urlencode(pairs)
        headers = self._headers(body=True)
        start = threading.Barrier(times)
        answers: list[Answer | BaseException] = [None] * times

        def send(number: int) -> None:
            start.wait()
            try:
                answers[number] = self._send("POST", path, headers, body)
            except BaseException as error:  # noqa: BLE001 - reported with the answers
                answers[number] = error

        threads = [threading.Thread(target=send, args=(n,)) for n in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed = [a for a in answers if isinstance(a, BaseException)]
        assert not failed, f"requests that got no answer: {failed}"
        return answers
