"""Settings from TALENT_* environment variables, one class per mode."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

#: Secrets shorter than this are refused in production.
MIN_SECRET_KEY_LENGTH = 32


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"TALENT_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults shared by every mode; each attribute can be set by a TALENT_ variable."""

    ENV_NAME = "production"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'talent.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    DEFAULT_TIMEZONE = _env("DEFAULT_TIMEZONE", "Europe/Oslo")
    BABEL_DEFAULT_LOCALE = _env("DEFAULT_LANGUAGE", "nb")
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    LANGUAGES = ("nb", "en")

    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_MINUTES", 120))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_DURATION = timedelta(days=0)
    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime bounds the token
    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 12) * 1024 * 1024

    INVITATION_HOURS = _env_int("INVITATION_HOURS", 72)
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    # Login throttling (talent/auth/throttling.py): growing waits, never a lock.
    LOGIN_FREE_FAILURES = _env_int("LOGIN_FREE_FAILURES", 5)
    LOGIN_FREE_FAILURES_PER_ACCOUNT = _env_int("LOGIN_FREE_FAILURES_PER_ACCOUNT", 10)
    LOGIN_MAX_DELAY_MINUTES = _env_int("LOGIN_MAX_DELAY_MINUTES", 15)
    LOGIN_MAX_ACCOUNT_DELAY_MINUTES = _env_int("LOGIN_MAX_ACCOUNT_DELAY_MINUTES", 1)
    LOGIN_FAILURE_HOURS = _env_int("LOGIN_FAILURE_HOURS", 24)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 100)
    LOGIN_ADDRESS_WINDOW_MINUTES = _env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15)
    LOGIN_ATTEMPT_DAYS = _env_int("LOGIN_ATTEMPT_DAYS", 30)
    REPORT_MAX_AGE_MINUTES = _env_int("REPORT_MAX_AGE_MINUTES", 15)  # impact report figures

    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = _env_int("SMTP_PORT", 587)
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_SECURITY = _env("SMTP_SECURITY", "starttls")  # starttls, ssl or none
    SMTP_TIMEOUT = _env_int("SMTP_TIMEOUT", 10)
    MAIL_SENDER = _env("MAIL_SENDER", "Talent <no-reply@talent.invalid>")

    PROXY_HOPS = _env_int("PROXY_HOPS", 0)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY", "dev-only-insecure-key")
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-test-secret-key-0123456789"  # noqa: S105 - tests only
    SESSION_COOKIE_SECURE = False
    BASE_URL = "http://localhost"


MODES = {"production": Config, "development": DevelopmentConfig, "testing": TestingConfig}


def config_for(mode: str | None) -> type[Config]:
    """Return the settings class of a mode named by TALENT_ENV (production by default)."""
    name = (mode or _env("ENV") or "production").lower()
    if name not in MODES:
        raise RuntimeError(f"TALENT_ENV must be one of {', '.join(MODES)}, not {name!r}")
    return MODES[name]


def insecure_settings(config) -> list[str]:
    """List what makes the given settings unfit for production; empty when fit."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key.startswith(("dev-", "test-")):
        problems.append(
            f"TALENT_SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH}"
            " characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("TALENT_SECURE_COOKIES must not be off in production (HTTPS only).")
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append("TALENT_BASE_URL must be the public https:// address of the site.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append(
            "TALENT_DATABASE_URL points at SQLite; use PostgreSQL for several workers or hosts."
        )
    if not config.get("SMTP_HOST"):
        problems.append("TALENT_SMTP_HOST is not set: e-mail would only be written to the log.")
    if config.get("SMTP_SECURITY") not in ("starttls", "ssl", "none"):
        problems.append("TALENT_SMTP_SECURITY must be starttls, ssl or none.")
    return problems
