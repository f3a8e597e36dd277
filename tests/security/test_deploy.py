"""Production refuses a weak secret key; `talent check-deploy` fails on unsafe settings."""

from __future__ import annotations

import pytest

from talent import create_app
from talent.cli import check_deploy

STRONG_KEY = "kR3v9-production-secret-xQ7pL2mN8sT4wZ6yB1cD5fG0hJ"
POSTGRES = "postgresql+psycopg://talent@db.internal:5432/talent"

SAFE = {
    "ENV_NAME": "production",
    "SECRET_KEY": STRONG_KEY,
    "SQLALCHEMY_DATABASE_URI": POSTGRES,
    "SESSION_COOKIE_SECURE": True,
    "BASE_URL": "https://talent.example.no",
    "SMTP_HOST": "smtp.example.no",
    "SMTP_SECURITY": "starttls",
}


@pytest.mark.parametrize(
    "key",
    [None, "", "short", "dev-only-insecure-key", "test-" + "x" * 40, "x" * 31],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    with pytest.raises(RuntimeError, match="TALENT_SECRET_KEY"):
        create_app({**SAFE, "SECRET_KEY": key})


def test_the_short_key_of_the_brief_is_refused():
    with pytest.raises(RuntimeError, match="Refusing to start in production"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short"})


def test_production_starts_with_a_strong_key():
    app = create_app(dict(SAFE))
    assert app.config["ENV_NAME"] == "production"
    assert not app.testing


def check(settings: dict):
    """Run check-deploy on an app with these settings (its context hides the test app's)."""
    app = create_app(settings)
    with app.app_context():
        return app.test_cli_runner().invoke(check_deploy)


def test_check_deploy_passes_safe_settings():
    result = check(dict(SAFE))
    assert result.exit_code == 0, result.output
    assert "look safe" in result.output


UNSAFE = {
    "SESSION_COOKIE_SECURE": (False, "TALENT_SECURE_COOKIES"),
    "BASE_URL": ("http://talent.example.no", "TALENT_BASE_URL"),
    "SQLALCHEMY_DATABASE_URI": ("sqlite:///instance/talent.db", "SQLite"),
    "SMTP_HOST": (None, "TALENT_SMTP_HOST"),
    "SMTP_SECURITY": ("plaintext", "TALENT_SMTP_SECURITY"),
}


@pytest.mark.parametrize("setting", list(UNSAFE))
def test_check_deploy_fails_with_the_reason(setting):
    value, reason = UNSAFE[setting]
    result = check({**SAFE, setting: value})
    assert result.exit_code == 1
    assert reason in result.stderr
    assert "look safe" not in result.output


def test_check_deploy_lists_every_reason():
    settings = {**SAFE, **{name: value for name, (value, _) in UNSAFE.items()}}
    result = check(settings)
    assert result.exit_code == 1
    for _, reason in UNSAFE.values():
        assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == len(UNSAFE)


def test_check_deploy_fails_outside_production(runner):
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "TALENT_ENV is not production." in result.stderr
