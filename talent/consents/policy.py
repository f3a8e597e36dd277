"""Who may manage a pupil's guardians and consents (registered with talent.auth.policy)."""

from __future__ import annotations

from talent.auth.policy import Rules, school_staff_for
from talent.consents.models import Consent, Guardian
from talent.people.models import User
from talent.schools.models import Student

rules = Rules()


@rules.object("consents.manage", Student)
def manage_consents_of(user: User, student: Student) -> bool:
    return school_staff_for(user, student.school_id)


@rules.object("consents.manage", Guardian)
@rules.object("consents.manage", Consent)
def manage_consent_record(user: User, record: Guardian | Consent) -> bool:
    return school_staff_for(user, record.student.school_id)
