"""Forms of the privacy pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField
from wtforms.validators import DataRequired, Length, Optional

from talent.web.forms import Form, plain_text, strip


class PupilSearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Pupil's name"), filters=[strip], validators=[Optional(), Length(max=100), plain_text]
    )


class EraseForm(Form):
    confirm = BooleanField(
        _l("I understand that the pupil's personal data is removed for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
