"""Who may export and erase a pupil's data (registered with talent.auth.policy)."""

from __future__ import annotations

from talent.auth.policy import Rules
from talent.people.models import User
from talent.schools.models import Student

rules = Rules()


@rules.object("privacy.manage", Student)
def manage_pupil_privacy(user: User, student: Student) -> bool:
    return True
