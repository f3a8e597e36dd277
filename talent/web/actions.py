"""One way for a view to make a change: call the service, commit, say so, go on.

A view that changes state hands its service call to ``act``; the outcome decides the answer:

- done: commit, flash the success message, redirect to where the change leads;
- already done (``AlreadyDone``: a double-click, a retried request, someone else was quicker):
  roll back, say so calmly, redirect to the same place (or, where there is no such place yet,
  say so on the form);
- refused (any other ``DomainError``, or a constraint of the database): roll back and show the
  message beside its field or at the top of the form; ``act`` returns None and the view renders
  the form again, filled with what the user typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import flash, redirect
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from talent.errors import AlreadyDone, DomainError
from talent.extensions import db
from talent.web.forms import show_error_on_form

log = logging.getLogger(__name__)

Result = TypeVar("Result")
#: Several messages to flash, each with its category ("success", "info", "warning").
Messages = Sequence[tuple[str, str]]


def act(
    change: Callable[[], Result],
    *,
    success: str | Callable[[Result], str | Messages] | None,
    then: str | Callable[[Result], str],
    form: FlaskForm | None = None,
    show: Callable[[FlaskForm, DomainError], None] = show_error_on_form,
    level: str = "success",
    show_already_done: bool = False,
) -> Response | None:
    """Run ``change`` as the request's one change; redirect to ``then``, or return None for
    the view to render its form again.

    ``success`` may be a function of what ``change`` returned, giving one message (flashed
    at ``level``) or several (message, category) pairs; ``then`` may be a function of it too
    (the page of what was created). Such a change that turns out already done has no result
    to go to, so it is said beside the form like a refusal; ``show_already_done`` does the
    same for pages whose form itself shows what was done (feedback given, already answered).
    """
    try:
        result = change()
    except AlreadyDone as done:
        if callable(then) or show_already_done:
            show(form, done)
            return None
        db.session.rollback()
        flash(str(done.message), "info")
        return redirect(then)
    except DomainError as error:
        show(form, error)
        return None
    except IntegrityError as error:
        # A constraint refused what the checks let through (someone else changed the same
        # thing a moment ago): the form comes back filled, so nothing typed is lost.
        db.session.rollback()
        log.info("change refused by a constraint: %s", error.orig)
        flash(
            gettext(
                "This change conflicts with a change someone else just made. Check the "
                "page and try again."
            ),
            "danger",
        )
        return None
    db.session.commit()
    said = success(result) if callable(success) else success
    for message, category in said if isinstance(said, list | tuple) else [(said, level)]:
        if message:
            flash(message, category)
    return redirect(then(result) if callable(then) else then)
