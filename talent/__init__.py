"""Talent: the programme platform of an oncology innovation cluster."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from talent.config import config_for, insecure_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, features: Sequence[str] | None = None) -> Flask:
    """Build the web application: settings, extensions, features, errors, commands.

    ``features`` names the features to register, in order (talent/features.py); tests pass
    another order to show that the order changes nothing.
    """
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    mode = (test_config or {}).get("ENV_NAME")
    app.config.from_object(config_for(mode))
    if test_config:
        app.config.update(test_config)
    _refuse_weak_secret(app)

    register_extensions(app)
    register_blueprints(app, features)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def _refuse_weak_secret(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    weak_key = [p for p in insecure_settings(app.config) if "SECRET_KEY" in p]
    if weak_key:
        raise RuntimeError(f"Refusing to start in production: {weak_key[0]}")


def register_extensions(app: Flask) -> None:
    from talent import i18n
    from talent.auth import session
    from talent.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.localize_callback = i18n.gettext_lazy_text
    login_manager.session_protection = "basic"
    login_manager.user_loader(session.load_user_from_session_id)
    session.init_app(app)


def register_blueprints(app: Flask, features: Sequence[str] | None = None) -> None:
    """Every feature's ``register(app)``: blueprints, policy rules, providers, kinds, jobs."""
    from talent import features as wiring
    from talent.web import jobs as web_jobs
    from talent.web.converters import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule uses it
    wiring.register_features(app, wiring.FEATURES if features is None else features)
    wiring.schedule(app, web_jobs.SCHEDULED)


def register_request_hooks(app: Flask) -> None:
    from talent import i18n, web

    web.init_app(app)
    i18n.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from talent.web import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from talent.cli import register

    register(app)
