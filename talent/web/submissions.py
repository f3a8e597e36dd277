"""A form that creates something is taken once, however often it is sent.

Changes of state are made once by locking what they change (talent/locking.py), but a form
that *creates* a record — a new activity, a guardian, a course session — has nothing to lock
yet: sent twice (a double-click, a retried request, a resending proxy) it would create two.
Such a form carries a key made when it is shown (``OnceForm``). The first request that sends
it writes the key into ``form_submissions`` in its own transaction, before the view runs; a
second request with the same key meets the unique index — on PostgreSQL it waits until the
first commits — and is answered calmly and sent where the first went. If the first request
fails and rolls back, its key goes with it, so sending the form again still works.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, flash, g, redirect, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from talent.db import utcnow
from talent.extensions import db
from talent.web.forms import Form
from talent.web.redirects import is_local_path

#: The form field that carries the key.
FIELD = "submission_key"
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: How long a key is remembered; a form left open longer is taken as new.
KEEP = timedelta(days=2)


class FormSubmission(db.Model):
    """A creating form that was taken: its key, and where its answer sent the user."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None]
    #: The address the first answer redirected to, for the second to go to as well.
    location: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(index=True)


def new_key() -> str:
    return secrets.token_urlsafe(24)


class OnceForm(Form):
    """A form that creates something: its key makes a second sending a no-op."""

    submission_key = HiddenField(default=new_key)


def _claim(key: str) -> bool:
    """Write the key in the request's transaction; False if another request has it."""
    try:
        with db.session.begin_nested():
            db.session.add(
                FormSubmission(
                    key=key,
                    user_id=current_user.id if current_user.is_authenticated else None,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    return True


def _earlier_location(key: str) -> str | None:
    location = db.session.scalar(
        sa.select(FormSubmission.location).where(FormSubmission.key == key)
    )
    return location if is_local_path(location) else None


def take_once():
    """Before a view: claim the form's key, or answer a repeat without running the view."""
    key = request.form.get(FIELD, "") if request.method == "POST" else ""
    if not _KEY.fullmatch(key):
        return None
    if _claim(key):
        g.submission_key = key
        return None
    db.session.rollback()
    flash(gettext("This form was already sent; what it holds is saved once."), "info")
    referrer = request.referrer or ""
    back = referrer.removeprefix(request.host_url.rstrip("/"))
    return redirect(_earlier_location(key) or (back if is_local_path(back) else request.path))


def remember_location(response):
    """After a view that took a key and redirected: note where, for a repeat to follow."""
    key = g.pop("submission_key", None)
    if key is not None and response.status_code in (301, 302, 303) and response.location:
        location = response.location.removeprefix(request.host_url.rstrip("/"))[:500]
        db.session.rollback()  # the view committed its work, or it is not to be kept
        db.session.execute(
            sa.update(FormSubmission).where(FormSubmission.key == key).values(location=location)
        )
        db.session.commit()
    return response


def forget_old_submissions(now: datetime) -> int:
    """Delete keys older than KEEP; return how many (run by the scheduler)."""
    result = db.session.execute(
        sa.delete(FormSubmission).where(FormSubmission.created_at < now - KEEP)
    )
    db.session.commit()
    return result.rowcount


def init_app(app: Flask) -> None:
    app.before_request(take_once)
    app.after_request(remember_location)
    # For a plain button that creates something: fields={FIELD: submission_key()}.
    app.jinja_env.globals["submission_key"] = new_key
