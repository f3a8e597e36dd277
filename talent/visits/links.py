"""Signed feedback links: a pupil or teacher rates a visit without logging in.

A link names the visit and the pupil (or the teacher's account); it expires after LINK_DAYS
and is harmless to reuse, since feedback is taken once per person and visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from talent.errors import ValidationFailed
from talent.extensions import db
from talent.people.models import User
from talent.schools.models import Student
from talent.visits.models import LabVisit

FEEDBACK = "visit-feedback"
LINK_DAYS = 30
LINK_MAX_AGE = timedelta(days=LINK_DAYS)


@dataclass(frozen=True)
class FeedbackGiver:
    visit: LabVisit
    student: Student | None = None
    user: User | None = None

    @property
    def name(self) -> str:
        return self.student.name if self.student is not None else self.user.name


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"talent-{FEEDBACK}")


def make_feedback_token(
    visit_id: int,
    *,
    student_id: int | None = None,
    user_id: int | None = None,
    secret_key: str | None = None,
) -> str:
    """A token for one pupil (``student_id``) or one account (``user_id``) on one visit."""
    payload = {"v": visit_id, "s": student_id} if student_id else {"v": visit_id, "u": user_id}
    return _serializer(secret_key or current_app.config["SECRET_KEY"]).dumps(payload)


def feedback_giver(token: str, *, max_age: timedelta = LINK_MAX_AGE) -> FeedbackGiver:
    """The visit and person a link names, or raise with a message saying what is wrong."""
    invalid = _l("This link is not valid. Check that you copied all of it.")
    try:
        payload = _serializer(current_app.config["SECRET_KEY"]).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except SignatureExpired as error:
        raise ValidationFailed(
            _l("This feedback link has expired. Ask your teacher for a new one.")
        ) from error
    except BadSignature as error:
        raise ValidationFailed(invalid) from error
    if not isinstance(payload, dict):
        raise ValidationFailed(invalid)
    visit = (
        db.session.get(LabVisit, payload.get("v")) if isinstance(payload.get("v"), int) else None
    )
    if visit is None:
        raise ValidationFailed(_l("This visit no longer exists."))
    student_id, user_id = payload.get("s"), payload.get("u")
    if isinstance(student_id, int):
        if not any(p.student_id == student_id for p in visit.participants):
            raise ValidationFailed(_l("This pupil is no longer on the visit."))
        return FeedbackGiver(visit, student=db.session.get(Student, student_id))
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise ValidationFailed(invalid)
    return FeedbackGiver(visit, user=user)
