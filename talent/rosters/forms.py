"""The roster upload form and the roster's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SearchField
from wtforms.validators import Length, Optional, ValidationError

from talent.web.forms import Form, optional, plain_text, select, set_choices, strip


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class UploadForm(Form):
    school_id = select(_l("School"), [], optional(int))
    school_year = select(_l("School year of the classes"), [], int)
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose the CSV file to upload."))],
        description=_l(
            "Columns: name, birth date, class, guardian name, guardian e-mail, guardian phone "
            "(in English or Norwegian). UTF-8, comma or semicolon, at most %(mb)d MB."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )

    def __init__(self, *args, schools=None, years=(), max_mb: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.school_id
        else:
            set_choices(self.school_id, [("", _l("— choose a school —"))] + schools)
        set_choices(self.school_year, [(year, school_year_label(year)) for year in years])
        self.file.description = self.file.description % {"mb": max_mb}

    def validate_school_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose a school."))


class RosterFilterForm(Form):
    class Meta:
        csrf = False

    school = select(_l("School"), [], optional(int), validators=[Optional()])
    school_class = select(_l("Class"), [], optional(int), validators=[Optional()])
    q = SearchField(
        _l("Name"), filters=[strip], validators=[Optional(), Length(max=100), plain_text]
    )

    def __init__(self, *args, schools=None, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.school
        else:
            set_choices(self.school, [("", _l("— choose a school —"))] + schools)
        set_choices(self.school_class, [("", _l("All classes"))] + list(classes))

    def value(self, name: str):
        field = getattr(self, name, None)
        return None if field is None or field.errors else field.data
