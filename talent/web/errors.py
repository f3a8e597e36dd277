"""Error pages in the site's look, and domain errors turned into 4xx responses."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from talent.errors import DomainError
from talent.extensions import db

log = logging.getLogger(__name__)


def _titles() -> dict[int, str]:
    return {
        400: gettext("Bad request"),
        403: gettext("No access"),
        404: gettext("Not found"),
        405: gettext("Not allowed"),
        409: gettext("Conflict"),
        413: gettext("File too large"),
        500: gettext("Something went wrong"),
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
    }


def render_error(code: int, message: str | None = None):
    title = _titles().get(code, _titles()[400])
    text = message or _explanations().get(code, _explanations()[400])
    return render_template("errors/error.html", code=code, title=title, message=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, gettext("The form had expired or was sent from elsewhere. Reload and try again.")
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return render_error(error.status_code, str(error.message))

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        db.session.rollback()
        log.warning("integrity error turned into 409: %s", error.orig)
        return render_error(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def value_out_of_range(error: Exception):
        """A number typed into a query or form that no column can hold: bad input, not a bug."""
        db.session.rollback()
        log.info("value out of the database's range refused: %s", error)
        return render_error(400)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        return render_error(500)
