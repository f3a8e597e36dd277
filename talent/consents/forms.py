"""Forms for guardians and consents, and the guardian's answer through a link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from talent.consents.models import ConsentKind, ConsentMethod
from talent.web.forms import Form, optional, select, set_choices, strip
from talent.web.submissions import OnceForm

BAD_DATE = _l("Type the date as a year, month and day, like 2027-07-31.")


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
