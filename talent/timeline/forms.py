"""The form on a pupil's timeline page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional

from talent.web.forms import Form


class LeftSchoolForm(Form):
    left_school_on = DateField(
        _l("Left school on"),
        validators=[Optional()],
        description=_l("The pupil's last day at school. Leave empty while the pupil attends."),
        render_kw={"type": "date"},
    )
