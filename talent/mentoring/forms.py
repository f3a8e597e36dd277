"""Mentoring forms: they check input and nothing more; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from talent.mentoring.models import (
    MAX_CADENCE_DAYS,
    MAX_CAPACITY,
    MAX_SESSION_MINUTES,
    MIN_CADENCE_DAYS,
    MIN_SESSION_MINUTES,
    MODE_LABELS,
    STATE_LABELS,
    GoalStatus,
)
from talent.mentoring.services.profiles import LANGUAGES
from talent.web.forms import Form, select_choices

_DURATION = NumberRange(
    min=MIN_SESSION_MINUTES,
    max=MAX_SESSION_MINUTES,
    message=_l(
        "A session lasts between %(low)d and %(high)d minutes.",
        low=MIN_SESSION_MINUTES,
        high=MAX_SESSION_MINUTES,
    ),
)
_CADENCE = NumberRange(
    min=MIN_CADENCE_DAYS,
    max=MAX_CADENCE_DAYS,
    message=_l("Between %(low)d and %(high)d days.", low=MIN_CADENCE_DAYS, high=MAX_CADENCE_DAYS),
)
_TAGS_HELP = _l("Separate with commas, for example: immunology, clinical trials, start-ups.")


class MultiCheckboxField(SelectMultipleField):
    """A group of check boxes; the macro field() renders it inline."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _language_field(label):
    return MultiCheckboxField(label, choices=select_choices(LANGUAGES.items()))


def _mode_field(label):
    return RadioField(
        label,
        choices=select_choices(MODE_LABELS.items()),
        validators=[InputRequired(message=_l("Choose how you met."))],
    )


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    safeguarding_lead = SelectField(
        _l("Safeguarding lead"),
        validators=[InputRequired()],
        coerce=int,
        description=_l("Every concern raised in the programme goes to this coordinator first."),
    )
    pupil_cadence_days = IntegerField(
        _l("Days between sessions for pupils"), validators=[InputRequired(), _CADENCE], default=21
    )
    researcher_cadence_days = IntegerField(
        _l("Days between sessions for researchers"),
        validators=[InputRequired(), _CADENCE],
        default=30,
    )
    proposal_days = IntegerField(
        _l("Days a mentor has to answer a proposal"),
        validators=[InputRequired(), NumberRange(min=1, max=30)],
        default=5,
    )
    is_active = BooleanField(_l("Open for new pairings"), default=True)

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.safeguarding_lead.choices = select_choices((u.id, u.name) for u in leads)


class MentorProfileForm(Form):
    organization = SelectField(_l("Organisation"), coerce=int)
    expertise = StringField(_l("Expertise"), validators=[Length(max=1100)], description=_TAGS_HELP)
    languages = _language_field(_l("Languages"))
    capacity = IntegerField(
        _l("How many mentees at a time"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_CAPACITY)],
        default=1,
    )
    availability = StringField(
        _l("Availability"),
        validators=[Length(max=500)],
        description=_l("For example: weekday afternoons, not in July."),
    )
    bio = TextAreaField(_l("About you"), validators=[Length(max=5000)])
    is_accepting = BooleanField(_l("Taking new mentees"), default=True)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = select_choices([(0, _l("None")), *organizations])


class VettingForm(Form):
    police_certificate_on = DateField(_l("Police certificate issued"), validators=[Optional()])
    police_certificate_expires_on = DateField(
        _l("Police certificate valid until"), validators=[Optional()]
    )
    safeguarding_training_on = DateField(
        _l("Safeguarding training completed"), validators=[Optional()]
    )
    code_of_conduct_accepted_on = DateField(_l("Code of conduct accepted"), validators=[Optional()])


class MenteeProfileForm(Form):
    interests = StringField(_l("Interests"), validators=[Length(max=1100)], description=_TAGS_HELP)
    languages = _language_field(_l("Languages"))
    goals = TextAreaField(_l("What the mentee hopes for"), validators=[Length(max=5000)])
    contact_email = EmailField(
        _l("E-mail for confirmation links"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Only for a pupil without an account. Leave empty if they have one."),
    )


class NewMenteeForm(Form):
    student_id = HiddenField()
    user_id = HiddenField()


class ProposalForm(Form):
    programme = SelectField(_l("Programme"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("Start"), validators=[InputRequired()])
    planned_end_on = DateField(_l("Planned end"), validators=[InputRequired()])
    cadence_days = IntegerField(
        _l("Days between sessions"),
        validators=[Optional(), _CADENCE],
        description=_l("Leave empty for the programme's usual cadence."),
    )
    mentor_id = IntegerField(validators=[InputRequired(message=_l("Choose a mentor."))])

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = select_choices((p.id, p.name) for p in programmes)


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])


class RequiredReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class GoalForm(Form):
    title = StringField(_l("New goal"), validators=[DataRequired(), Length(max=200)])


class GoalStatusForm(Form):
    status = SelectField(
        _l("Status"),
        choices=select_choices((status.value, status.label) for status in GoalStatus),
    )


class SessionForm(Form):
    held_on = DateField(_l("Date held"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[InputRequired(), _DURATION], default=60
    )
    mode = _mode_field(_l("How you met"))
    topics = TextAreaField(_l("Topics"), validators=[Length(max=1000)])
    goal_ids = MultiCheckboxField(_l("Goals it moved"), coerce=int)
    next_steps = TextAreaField(_l("Next steps"), validators=[Length(max=1000)])
    shared_note = TextAreaField(_l("Note shared with the mentee"), validators=[Length(max=10_000)])
    private_note = TextAreaField(
        _l("Private note"),
        validators=[Length(max=10_000)],
        description=_l("Only you and the coordinators can read this. The mentee never sees it."),
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_ids.choices = select_choices((goal.id, goal.title) for goal in goals)


class PlanForm(Form):
    starts_at = DateTimeLocalField(_l("Date and time"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[InputRequired(), _DURATION], default=60
    )
    mode = _mode_field(_l("How you will meet"))
    place = StringField(_l("Place or video link"), validators=[Length(max=300)])


class ConfirmForm(Form):
    """The mentee's answer: confirm, or say what is wrong."""

    answer = HiddenField(default="confirm")
    comment = TextAreaField(_l("What is not right?"), validators=[Length(max=500)])


class FeedbackForm(Form):
    rating = RadioField(
        _l("How is it going, from 1 (poorly) to 5 (very well)?"),
        choices=select_choices((n, str(n)) for n in range(1, 6)),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])
    stage = HiddenField()


class ConcernForm(Form):
    summary = StringField(
        _l("What worries you, in one line"), validators=[DataRequired(), Length(max=200)]
    )
    details = TextAreaField(_l("Details"), validators=[Length(max=10_000)])


class ConcernNoteForm(Form):
    body = TextAreaField(_l("Follow-up note"), validators=[DataRequired(), Length(max=10_000)])


class CloseConcernForm(Form):
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(), Length(max=1000)])


class PairingFilterForm(Form):
    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=select_choices(
            [("", _l("Any")), *((s.value, label) for s, label in STATE_LABELS.items())]
        ),
        validators=[Optional()],
    )
    programme = SelectField(_l("Programme"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = select_choices(
            [("", _l("Any")), *((p.id, p.name) for p in programmes)]
        )
