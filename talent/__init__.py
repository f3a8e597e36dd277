"""Talent: the programme platform of an oncology innovation cluster."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from talent.config import config_for, insecure_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web application: settings, extensions, blueprints, errors, commands."""
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
    register_blueprints(app)
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


def register_blueprints(app: Flask) -> None:
    from talent.web.converters import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule uses it
    from talent.activities.views import bp as activities_bp
    from talent.audit.views import bp as audit_bp
    from talent.auth.views import bp as auth_bp
    from talent.calendar.views import bp as calendar_bp
    from talent.consents.views import bp as consents_bp
    from talent.courses.views import bp as courses_bp
    from talent.home.views import bp as home_bp
    from talent.mentoring.views import bp as mentoring_bp
    from talent.people.views import bp as people_bp
    from talent.privacy.views import bp as privacy_bp
    from talent.programmes.views import bp as programmes_bp
    from talent.reminders.ledger_views import bp as ledger_bp
    from talent.reminders.views import bp as reminders_bp
    from talent.reports.views import bp as reports_bp
    from talent.rosters.views import bp as rosters_bp
    from talent.schools.views import bp as schools_bp
    from talent.timeline.views import bp as timeline_bp
    from talent.visits.views import bp as visits_bp

    for blueprint in (home_bp, auth_bp, people_bp, audit_bp, schools_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(ledger_bp)
    app.register_blueprint(calendar_bp)
    for blueprint in (rosters_bp, consents_bp, programmes_bp, timeline_bp, privacy_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(courses_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(reports_bp)


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
