"""Error pages in the site's look, domain errors turned into 4xx responses, and a database
that cannot be reached turned into 503."""

from __future__ import annotations

import logging

import psycopg
from flask import Flask, current_app, render_template, request
from flask_babel import force_locale, gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from talent.errors import DomainError
from talent.extensions import db, login_manager
from talent.i18n import language_without_database

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again when the database cannot be reached.
RETRY_AFTER_SECONDS = 5


def _titles() -> dict[int, str]:
    return {
        400: gettext("Bad request"),
        403: gettext("No access"),
        404: gettext("Not found"),
        405: gettext("Not allowed"),
        409: gettext("Conflict"),
        413: gettext("File too large"),
        500: gettext("Something went wrong"),
        503: gettext("Temporarily unavailable"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood. Go back and try again."),
        403: gettext("You do not have access to this page."),
        404: gettext("There is nothing at this address. It may have been moved or deleted."),
        405: gettext("This page cannot be used that way."),
        409: gettext("This change conflicts with a change someone else just made."),
        413: gettext("The file is larger than the site accepts."),
        500: gettext("The error has been logged. Please try again in a moment."),
        503: gettext("The database could not be reached. Try again in a moment."),
    }


def render_error(code: int, message: str | None = None):
    title = _titles().get(code, _titles()[400])
    text = message or _explanations().get(code, _explanations()[400])
    return render_template("errors/error.html", code=code, title=title, message=text), code


def database_unreachable(error: BaseException | None) -> bool:
    """Whether an error says the database could not be reached, rather than that a statement
    was wrong: a connection SQLAlchemy found lost, or PostgreSQL's operational errors
    (connection refused or terminated, server shutting down, too many connections)."""
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or isinstance(error.orig, psycopg.OperationalError)
    )


def discard_transaction() -> None:
    """Roll back what the request did not commit; a connection lost meanwhile has nothing
    left to roll back, so that is only logged."""
    try:
        db.session.rollback()
    except DBAPIError as error:
        if not database_unreachable(error):
            raise
        log.warning("database connection lost during rollback: %s", _first_line(error))


def render_unavailable(error: BaseException):
    """The 503 page, made without the database: no user is loaded (Flask-Login's context
    processor would load one, so the template is rendered without context processors), and
    the language is the one known so far."""
    language = language_without_database()
    discard_transaction()
    log.warning(
        "database unreachable, answered 503 to %s %s: %s",
        request.method,
        request.path,
        _first_line(error),
    )
    with force_locale(language):
        page = current_app.jinja_env.get_template("errors/error.html").render(
            code=503,
            title=_titles()[503],
            message=_explanations()[503],
            current_user=login_manager.anonymous_user(),
        )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, InternalServerError) and database_unreachable(
            error.original_exception
        ):
            # Lost again while an error handler was answering another error.
            return render_unavailable(error.original_exception)
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, gettext("The form had expired or was sent from elsewhere. Reload and try again.")
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        discard_transaction()
        return render_error(error.status_code, str(error.message))

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        discard_transaction()
        log.warning("integrity error turned into 409: %s", error.orig)
        return render_error(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def value_out_of_range(error: Exception):
        """A number typed into a query or form that no column can hold: bad input, not a bug."""
        discard_transaction()
        log.info("value out of the database's range refused: %s", error)
        return render_error(400)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if database_unreachable(error):
            return render_unavailable(error)
        return unexpected_error(error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        discard_transaction()
        log.exception("unhandled error")
        return render_error(500)

    @app.teardown_appcontext
    def end_session(error: BaseException | None) -> None:
        """End the request's session before Flask-SQLAlchemy's teardown does (teardowns run
        in reverse order of registration), so that a connection lost after the response was
        made costs a log line, not the response."""
        try:
            db.session.remove()
        except DBAPIError as lost:
            if not database_unreachable(lost):
                raise
            log.warning("database connection lost at the end of a request: %s", _first_line(lost))
            db.session.remove()
