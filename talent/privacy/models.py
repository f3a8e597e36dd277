"""Columns the privacy rules need on pupil records.

``Student`` lives in talent/schools; until its model declares these two columns itself they are
added here (the migration of the pupils feature creates them). Once talent/schools declares them,
this module only checks that they are there.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from talent.db import UTCDateTime
from talent.schools.models import Student

if "left_school_on" not in Student.__table__.c:
    #: The pupil's last day at school; retention counts from it. Empty while at school.
    Student.left_school_on = mapped_column(sa.Date, nullable=True, index=True)

if "erased_at" not in Student.__table__.c:
    #: When the personal fields were anonymised (on request or by the retention rule).
    Student.erased_at = mapped_column(UTCDateTime(), nullable=True)
