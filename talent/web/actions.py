"""One way for a view to make a change: call the service, commit, say so, go on.

A view that changes state hands its service call to ``act``; the outcome decides the answer:

- done: commit, flash the success message, redirect to where the change leads;
- already done (``AlreadyDone``: a double-click, a retried request, someone else was quicker):
  roll back, say so calmly, redirect to the same place;
- refused (any other ``DomainError``): roll back and show the message beside its field or at the
  top of the form; ``act`` returns None and the view renders the form again, filled with what
  the user typed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from talent.errors import AlreadyDone, DomainError
from talent.extensions import db
from talent.web.forms import show_error_on_form


def act(
    change: Callable[[], object],
    *,
    success: str | None,
    then: str,
    form: FlaskForm | None = None,
    show: Callable[[FlaskForm, DomainError], None] = show_error_on_form,
) -> Response | None:
    """Run ``change`` as the request's one change; redirect to ``then``, or return None for
    the view to render its form again."""
    try:
        change()
    except AlreadyDone as done:
        db.session.rollback()
        flash(str(done.message), "info")
        return redirect(then)
    except DomainError as error:
        show(form, error)
        return None
    db.session.commit()
    if success:
        flash(success, "success")
    return redirect(then)
