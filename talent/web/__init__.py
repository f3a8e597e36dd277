"""Request plumbing shared by every blueprint: security headers, SQLite intent, navigation."""

from __future__ import annotations

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from talent.db import write_intent
from talent.upstream.flask_wtf import RequestWithWTFormsCatalogue
from talent.web import submissions
from talent.web.navigation import navigation_for

#: No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    app.request_class = RequestWithWTFormsCatalogue
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_HOPS"],
            x_proto=app.config["PROXY_HOPS"],
            x_host=app.config["PROXY_HOPS"],
        )

    @app.before_request
    def declare_write_intent():
        g.write_intent = write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def end_write_intent(_error):
        # Back to the default (writes) for whatever runs next in this thread: the next
        # request's earlier hooks, a job, a test's own work.
        token = g.pop("write_intent", None)
        if token is not None:
            write_intent.reset(token)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response

    app.context_processor(lambda: {"navigation": navigation_for})
    submissions.init_app(app)
