"""Forms of the course pages: the catalogue filter, course and session editing, applications,
reviews, attendance, check-in, messages and certificate verification."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from talent.courses.models import (
    APPLICANT_ROLES,
    MAX_CAPACITY,
    MAX_OFFER_HOURS,
    MAX_SCORE,
    AdmissionMode,
    CourseFormat,
)
from talent.courses.services.enrollment import MAX_MOTIVATION
from talent.courses.services.messages import MAX_BODY, MAX_SUBJECT
from talent.people.models import OrganizationKind, Role
from talent.web.forms import CHOOSE_FROM_LIST, Form, optional, select, select_choices, strip_text
from talent.web.submissions import OnceForm, new_key
from talent.web.widgets import QuickSelect

FORMAT_LABELS = {
    CourseFormat.ON_SITE: _l("On site"),
    CourseFormat.ONLINE: _l("Online"),
    CourseFormat.HYBRID: _l("Hybrid"),
}
ADMISSION_LABELS = {
    AdmissionMode.FIRST_COME: _l("First come, first served"),
    AdmissionMode.SELECTION: _l("Selection by application"),
}
LANGUAGE_LABELS = {"en": _l("English"), "nb": _l("Norwegian"), "sv": _l("Swedish")}
ROLE_LABELS = {
    Role.RESEARCHER: _l("Researcher"),
    Role.MENTOR: _l("Mentor"),
    Role.HOST: _l("Lab host"),
    Role.TEACHER: _l("Teacher"),
}
KIND_LABELS = {
    OrganizationKind.UNIVERSITY: _l("University"),
    OrganizationKind.HOSPITAL: _l("Hospital"),
    OrganizationKind.COMPANY: _l("Company"),
    OrganizationKind.PARTNER: _l("Partner"),
    OrganizationKind.CLUSTER: _l("Cluster"),
    OrganizationKind.SCHOOL: _l("School"),
}

#: Dates outside these years are typing errors (and would overflow time-zone arithmetic).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _plausible(form, field) -> None:
    value = field.data
    if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _l("Give a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )


def _select(label, pairs: Iterable, coerce, **kwargs) -> SelectField:
    return select(label, pairs, coerce, widget=QuickSelect(), **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _date(label, **kwargs) -> DateField:
    return DateField(label, validators=[InputRequired(), _plausible], **kwargs)


#: What a browser's datetime-local input sends, first the form it shows values in.
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _moment(label, **kwargs) -> DateTimeLocalField:
    return DateTimeLocalField(
        label, format=MOMENT_FORMATS, validators=[InputRequired(), _plausible], **kwargs
    )


class CourseForm(OnceForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[strip_text],
        validators=[Length(max=500)],
        description=_l("One or two sentences for the catalogue."),
    )
    description = TextAreaField(
        _l("Description"), filters=[strip_text], validators=[Length(max=20000)]
    )
    partners = SelectMultipleField(
        _l("Partner institutions"),
        coerce=int,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    language = _select(_l("Language of teaching"), LANGUAGE_LABELS.items(), str, default="en")
    format = _select(_l("Format"), FORMAT_LABELS.items(), CourseFormat, default="on_site")
    ects = DecimalField(
        _l("ECTS credits"), places=1, validators=[Optional(), NumberRange(min=0, max=300)]
    )
    hours = IntegerField(_l("Hours"), validators=[Optional(), NumberRange(min=1, max=2000)])
    location = StringField(_l("Venue"), filters=[strip_text], validators=[Length(max=200)])
    timezone = _select(_l("Time zone"), [], str)
    starts_on = _date(_l("First day"))
    ends_on = _date(_l("Last day"))
    enrollment_opens_at = _moment(_l("Enrollment opens"))
    enrollment_closes_at = _moment(_l("Enrollment closes"))
    capacity = IntegerField(
        _l("Seats"), validators=[InputRequired(), NumberRange(min=1, max=MAX_CAPACITY)]
    )
    admission_mode = _select(
        _l("Admission"), ADMISSION_LABELS.items(), AdmissionMode, default="first_come"
    )
    institution_quota = IntegerField(
        _l("Most seats per institution"),
        validators=[Optional(), NumberRange(min=1, max=MAX_CAPACITY)],
        description=_l("Selection only: leave empty for no limit."),
    )
    eligible_roles = MultiCheckboxField(
        _l("Open to"),
        coerce=Role,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        description=_l("Tick none to open the course to every role listed."),
    )
    eligible_kinds = MultiCheckboxField(
        _l("From institutions of kind"),
        coerce=OrganizationKind,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        description=_l("Tick none for any institution."),
    )
    completion_percent = IntegerField(
        _l("Attendance needed to complete (%)"),
        default=80,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    offer_hours = IntegerField(
        _l("Hours to answer an offer of a freed seat"),
        default=48,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_OFFER_HOURS)],
    )
    is_published = BooleanField(
        _l("Published"), description=_l("Published courses are in the public catalogue.")
    )

    def __init__(
        self,
        *args,
        organizations: Iterable[tuple[int, str]],
        timezones: Iterable[tuple[str, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.partners.choices = select_choices(organizations)
        self.timezone.choices = select_choices(timezones)
        self.eligible_roles.choices = select_choices(
            (role, ROLE_LABELS[role]) for role in APPLICANT_ROLES
        )
        self.eligible_kinds.choices = select_choices(KIND_LABELS.items())

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The course cannot end before it starts."))

    def validate_enrollment_closes_at(self, field) -> None:
        opens = self.enrollment_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Enrollment must close after it opens."))


class SessionForm(OnceForm):
    # Whether it ends after it starts is judged on the UTC times (talent.clock.span_to_utc):
    # in the repeated autumn hour, 02:40–02:10 is a 30-minute session.
    title = StringField(_l("Title"), filters=[strip_text], validators=[Length(max=200)])
    starts_at = _moment(_l("Starts"))
    ends_at = _moment(_l("Ends"))
    location = StringField(
        _l("Place"),
        filters=[strip_text],
        validators=[Length(max=200)],
        description=_l("Leave empty for the course's venue."),
    )


class CopyCourseForm(OnceForm):
    starts_on = _date(
        _l("First day of the copy"),
        description=_l("Sessions and the enrollment window move by the same number of days."),
    )


class ApplicationForm(Form):
    motivation = TextAreaField(
        _l("Why do you want to take this course?"),
        filters=[strip_text],
        validators=[Length(max=MAX_MOTIVATION)],
        description=_l("The coordinator reads this when choosing participants."),
    )
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Send application"))


class ReviewForm(Form):
    score = IntegerField(_l("Score"), validators=[Optional(), NumberRange(min=0, max=MAX_SCORE)])
    save = SubmitField(_l("Save score"))
    admit = SubmitField(_l("Admit"))
    reject = SubmitField(_l("Reject"))


class AttendanceForm(Form):
    present = MultiCheckboxField(
        _l("Present"),
        coerce=int,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )

    def __init__(self, *args, participants: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.present.choices = select_choices(participants)


class CheckInForm(Form):
    code = StringField(
        _l("Session code"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=20)],
        description=_l("The code shown in the room."),
    )


class MessageForm(OnceForm):
    """Sending the same form twice sends one message: its key (OnceForm) is also the
    message's key in the ledger."""

    submission_key = HiddenField(default=new_key, validators=[DataRequired(), Length(16, 64)])

    subject = StringField(
        _l("Subject"), filters=[strip_text], validators=[DataRequired(), Length(max=MAX_SUBJECT)]
    )
    body = TextAreaField(
        _l("Message"), filters=[strip_text], validators=[DataRequired(), Length(max=MAX_BODY)]
    )


class _QueryForm(Form):
    """Sent in the query string: no CSRF token, never changes anything."""

    class Meta:
        csrf = False

    def value(self, name: str):
        field = self[name]
        return None if field.errors else field.data


class CatalogueFilterForm(_QueryForm):
    q = SearchField(_l("Search"), filters=[strip_text], validators=[Length(max=200)])
    format = _select(
        _l("Format"),
        [("", _l("Any format")), *FORMAT_LABELS.items()],
        optional(CourseFormat),
        default="",
    )
    language = _select(
        _l("Language"),
        [("", _l("Any language")), *LANGUAGE_LABELS.items()],
        optional(str),
        default="",
    )
    partner = _select(_l("Partner"), [], optional(int), default="")
    open = BooleanField(_l("Open for enrollment now"))

    def __init__(self, *args, partners: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = select_choices([("", _l("Any partner")), *partners])


class SearchForm(_QueryForm):
    q = SearchField(_l("Search"), filters=[strip_text], validators=[Length(max=200)])


class VerifyForm(_QueryForm):
    code = StringField(
        _l("Verification code"),
        filters=[strip_text],
        validators=[Length(max=40)],
        description=_l("As printed on the certificate, for example ABCD-EFGH-JKLM-NPQR."),
    )
