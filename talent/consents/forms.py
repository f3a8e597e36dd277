"""Forms for guardians and consents, and the guardian's answer through a link."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from talent.consents.models import ConsentKind, ConsentMethod
from talent.consents.services import has_control_characters
from talent.web.forms import CHOOSE_FROM_LIST, Form, select_choices
from talent.web.submissions import OnceForm

BAD_DATE = _l("Type the date as a year, month and day, like 2027-07-31.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(form, field) -> None:
    """Refuse control characters (NUL and the like) in a typed text or search."""
    if isinstance(field.data, str) and has_control_characters(field.data, multiline=True):
        raise ValidationError(_l("The text contains characters that cannot be used."))


def optional(coerce: Callable) -> Callable:
    """A coerce function that turns an empty choice into None."""

    def coerce_or_none(value):
        if value is None or value in ("", "None"):
            return None
        return coerce(value)

    return coerce_or_none


def select(label, pairs: Iterable, coerce: Callable, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=select_choices(pairs),
        coerce=coerce,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        **kwargs,
    )


def set_choices(field: SelectField, pairs: Iterable) -> None:
    field.choices = select_choices(pairs)


class GuardianForm(OnceForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(_l("Write the guardian's name.")), Length(max=200)],
    )
    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[Optional(), Length(max=254)],
        description=_l("Consent links are sent here."),
        render_kw={"type": "email", "autocomplete": "off"},
    )
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)])


class ConsentForm(OnceForm):
    kind = select(_l("Consent for"), [(k.value, k.label) for k in ConsentKind], ConsentKind)
    guardian_id = select(_l("Given by guardian"), [], optional(int), validators=[Optional()])
    given_by = StringField(
        _l("Or given by (name)"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description=_l("For someone not in the list, such as the pupil when 18 or older."),
    )
    method = select(
        _l("How"),
        [(m.value, m.label) for m in ConsentMethod if m is not ConsentMethod.DIGITAL],
        ConsentMethod,
    )
    given_on = DateField(
        _l("Given on"), validators=[DataRequired(BAD_DATE)], render_kw={"type": "date"}
    )
    expires_on = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l("Leave empty if it holds until withdrawn."),
        render_kw={"type": "date"},
    )
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])

    def __init__(self, *args, guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(
            self.guardian_id, [("", _l("— someone else —"))] + [(g.id, g.name) for g in guardians]
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.guardian_id.data is None and not self.given_by.data:
            self.given_by.errors.append(_l("Choose a guardian or write who gave the consent."))
            return False
        return valid


class WithdrawConsentForm(Form):
    withdrawn_by = StringField(
        _l("Withdrawn by"),
        filters=[strip],
        validators=[DataRequired(_l("Write who withdrew the consent.")), Length(max=200)],
    )


class GuardianAnswerForm(Form):
    """One box per kind of consent; ticked means given, unticked means not given."""

    programme = BooleanField(ConsentKind.PROGRAMME.label)
    lab_visits = BooleanField(ConsentKind.LAB_VISITS.label)
    photo_media = BooleanField(ConsentKind.PHOTO_MEDIA.label)
    data_processing = BooleanField(ConsentKind.DATA_PROCESSING.label)
    confirm = BooleanField(
        _l("I am a guardian of this pupil and may answer for them."),
        validators=[DataRequired(_l("Confirm that you are a guardian of the pupil."))],
    )

    def kind_fields(self):
        return [(kind, getattr(self, kind.value)) for kind in ConsentKind]

    def consenting(self) -> set[ConsentKind]:
        return {kind for kind, field in self.kind_fields() if field.data}
