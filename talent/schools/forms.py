"""Forms for classes and pupils, and the filters of their lists."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp

from talent.i18n import LANGUAGE_NAMES
from talent.schools.services import (
    CLASS_NAME_MAX,
    CLASS_NAME_PATTERN,
    MAX_AGE,
    MIN_AGE,
    STUDENT_NAME_MAX,
    school_year_label,
)
from talent.web.forms import (
    CHOOSE_FROM_LIST,
    TOO_LONG,
    Form,
    optional,
    select,
    select_choices,
    strip_text,
)
from talent.web.submissions import OnceForm

BAD_DATE = _l("Type the date as a year, month and day, like 2010-05-17.")


def _year_pairs(years: Iterable[int]) -> list[tuple[int, str]]:
    return [(year, school_year_label(year)) for year in years]


class ClassForm(Form):
    """A class; the school field exists only for those who may choose among schools."""

    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Give the class a name, like 2STA.")),
            Length(max=CLASS_NAME_MAX, message=TOO_LONG),
            Regexp(
                f"^{CLASS_NAME_PATTERN.pattern}$",
                message=_l("Use only letters, digits, spaces and hyphens, like 2STA or 3 MK-A."),
            ),
        ],
        description=_l("As the school writes it, like 2STA."),
    )
    school_year = select(_l("School year"), [], optional(int), validators=[InputRequired()])
    school_id = select(_l("School"), [], optional(int), validators=[InputRequired()])

    def __init__(
        self,
        *args,
        years: Iterable[int],
        schools: Iterable[tuple[int, str]] | None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.school_year.choices = select_choices(_year_pairs(years))
        if schools is None:
            del self.school_id
        else:
            self.school_id.choices = select_choices([("", _l("— Choose a school —")), *schools])


class _DateField(DateField):
    """A date field whose message for a date it cannot read says how to write one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


class StudentForm(OnceForm):
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Type the pupil's name.")),
            Length(max=STUDENT_NAME_MAX, message=TOO_LONG),
        ],
    )
    birth_date = _DateField(
        _l("Birth date"),
        validators=[InputRequired(_l("Type the birth date."))],
        description=_l("Pupils are %(low)d to %(high)d years old.", low=MIN_AGE, high=MAX_AGE),
    )


class MoveStudentForm(Form):
    school_class_id = select(
        _l("Move to class"), [], optional(int), validators=[InputRequired(CHOOSE_FROM_LIST)]
    )

    def __init__(self, *args, classes: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.school_class_id.choices = select_choices([("", _l("— Choose a class —")), *classes])


class InviteStudentForm(Form):
    email = EmailField(
        _l("E-mail"), filters=[strip_text], validators=[DataRequired(), Length(max=254), Email()]
    )
    language = select(_l("Language of the invitation"), LANGUAGE_NAMES.items(), str, default="nb")


class RemoveStudentForm(Form):
    """Empty: taking a pupil out of a class is a POST with a CSRF token."""


class _FilterForm(Form):
    """Filters sent in the query string: no CSRF token, never changes anything."""

    class Meta:
        csrf = False

    def value(self, name: str):
        """The field's value, or None when it is absent or not valid (and so is ignored)."""
        field = getattr(self, name, None)
        return None if field is None or field.errors else field.data


class ClassFilterForm(_FilterForm):
    year = select(_l("School year"), [], optional(int), default="")
    school = select(_l("School"), [], optional(int), default="")

    def __init__(
        self, *args, years: Iterable[int], schools: Iterable[tuple[int, str]] | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.year.choices = select_choices([("", _l("All school years")), *_year_pairs(years)])
        if schools is None:
            del self.school
        else:
            self.school.choices = select_choices([("", _l("All schools")), *schools])


class SchoolFilterForm(_FilterForm):
    school = select(_l("School"), [], optional(int), default="")

    def __init__(self, *args, schools: Iterable[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.school
        else:
            self.school.choices = select_choices([("", _l("All schools")), *schools])
