"""Forms for programmes, enrollments and alumni follow-ups."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SearchField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from talent.programmes.models import (
    ALUMNI_FIELDS,
    INTENDED_FIELDS,
    EnrollmentState,
    FieldOfStudy,
)
from talent.programmes.services import MAX_CAPACITY
from talent.web.forms import Form, optional, plain_text, select, select_choices, set_choices, strip

BAD_DATE = _l("Type the date as a year, month and day, like 2027-07-31.")


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _field_pairs(fields, blank_label) -> list:
    return [("", blank_label)] + [(f.value, f.label) for f in fields]


class ProgrammeForm(Form):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(_l("Give the programme a name.")), Length(max=200)],
        description=_l("Such as “Ullern talent programme”."),
    )
    school_year = select(_l("School year"), [], int)
    school_id = select(_l("For pupils of"), [], optional(int), validators=[Optional()])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            InputRequired(_l("Give the number of places.")),
            NumberRange(0, MAX_CAPACITY, _l("The capacity is a number from 0 to %(max)s.")),
        ],
        description=_l("How many pupils can be active (or have completed) at once."),
        render_kw={"min": 0, "max": MAX_CAPACITY},
    )
    tracks = TextAreaField(
        _l("Tracks"),
        filters=[strip],
        validators=[Optional(), Length(max=2500)],
        description=_l("One per line, such as natural science, media, entrepreneurship."),
        render_kw={"rows": 4},
    )
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )

    def __init__(self, *args, years=(), schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.school_year, [(y, school_year_label(y)) for y in years])
        set_choices(self.school_id, [("", _l("Every school"))] + list(schools))

    def track_names(self) -> list[str]:
        return (self.tracks.data or "").splitlines()


class ProgrammeFilterForm(Form):
    class Meta:
        csrf = False

    school_year = select(_l("School year"), [], optional(int), validators=[Optional()])
    q = SearchField(
        _l("Name"), filters=[strip], validators=[Optional(), Length(max=100), plain_text]
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(
            self.school_year, [("", _l("All years"))] + [(y, school_year_label(y)) for y in years]
        )

    def value(self, name: str):
        field = getattr(self, name)
        return None if field.errors else field.data


class EnrollmentFilterForm(Form):
    class Meta:
        csrf = False

    state = select(
        _l("State"),
        [("", _l("All states"))] + [(s.value, s.label) for s in EnrollmentState],
        optional(EnrollmentState),
        validators=[Optional()],
    )


class ChooseClassForm(Form):
    class Meta:
        csrf = False

    school_class = select(_l("Class"), [], optional(int), validators=[Optional()])

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.school_class, [("", _l("— choose a class —"))] + list(classes))


class EnrollForm(Form):
    student_ids = SelectMultipleField(
        _l("Pupils"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one pupil."))],
    )
    track_id = select(_l("Track"), [], optional(int), validators=[Optional()])
    intended_field = select(
        _l("Intends to study"),
        _field_pairs(INTENDED_FIELDS, _l("— not asked yet —")),
        optional(FieldOfStudy),
        validators=[Optional()],
        description=_l("What the pupils say they intend to study, at the start."),
    )

    def __init__(self, *args, pupils=(), tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.student_ids.choices = select_choices((p.id, p.name) for p in pupils)
        set_choices(self.track_id, [("", _l("— no track —"))] + [(t.id, t.name) for t in tracks])


class EnrollmentForm(Form):
    track_id = select(_l("Track"), [], optional(int), validators=[Optional()])
    intended_field_at_start = select(
        _l("Intended field of study at the start"),
        _field_pairs(INTENDED_FIELDS, _l("— not asked —")),
        optional(FieldOfStudy),
        validators=[Optional()],
    )

    def __init__(self, *args, tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.track_id, [("", _l("— no track —"))] + [(t.id, t.name) for t in tracks])


class CompleteForm(Form):
    intended_field = select(
        _l("Now intends to study"),
        _field_pairs(INTENDED_FIELDS, _l("— choose —")),
        optional(FieldOfStudy),
        validators=[DataRequired(_l("Choose what the pupil now intends to study."))],
    )


class WithdrawEnrollmentForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(_l("Write why the pupil withdraws.")), Length(max=500)],
        render_kw={"rows": 3},
    )


class AlumniOutcomeForm(Form):
    field = select(
        _l("Studies"),
        _field_pairs(ALUMNI_FIELDS, _l("— choose —")),
        optional(FieldOfStudy),
        validators=[DataRequired(_l("Choose what the former pupil studies."))],
    )
    study = StringField(
        _l("Study programme"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description=_l("Such as “Medicine, professional study”."),
    )
    institution = StringField(
        _l("Institution"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description=_l("Such as “University of Oslo”."),
    )
    reported_on = DateField(
        _l("Reported on"), validators=[DataRequired(BAD_DATE)], render_kw={"type": "date"}
    )
