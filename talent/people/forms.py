"""Forms for organisations and user accounts, and the filters of their lists."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SearchField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from talent.i18n import LANGUAGE_NAMES
from talent.people.models import OrganizationKind, Role
from talent.people.services import UserStatus
from talent.web.forms import CHOOSE_FROM_LIST, Form, optional, select, select_choices, strip_text

KIND_LABELS = {
    OrganizationKind.CLUSTER: _l("Cluster"),
    OrganizationKind.SCHOOL: _l("School"),
    OrganizationKind.COMPANY: _l("Company"),
    OrganizationKind.UNIVERSITY: _l("University"),
    OrganizationKind.HOSPITAL: _l("Hospital"),
    OrganizationKind.PARTNER: _l("Partner"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.TEACHER: _l("Teacher"),
    Role.HOST: _l("Lab host"),
    Role.MENTOR: _l("Mentor"),
    Role.RESEARCHER: _l("Researcher"),
    Role.STUDENT: _l("Pupil"),
}

STATUS_LABELS = {
    UserStatus.ACTIVE: _l("Active"),
    UserStatus.INVITED: _l("Invited"),
    UserStatus.INACTIVE: _l("Deactivated"),
}


def _http_only(form, field) -> None:
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Start the address with https:// or http://."))


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganizationForm(Form):
    name = StringField(
        _l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    kind = select(_l("Kind"), KIND_LABELS.items(), OrganizationKind)
    city = StringField(_l("City"), filters=[strip_text], validators=[Length(max=100)])
    website = URLField(
        _l("Website"),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Type a full web address, like https://example.org.")),
            _http_only,
        ],
    )
    is_active = BooleanField(
        _l("Active"),
        default=True,
        description=_l("Inactive organisations are not offered when people are invited."),
    )


class UserForm(Form):
    """Edit an account; the organisations and grantable roles come from the caller."""

    email = EmailField(
        _l("E-mail"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=254), Email()],
    )
    name = StringField(
        _l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    organization_id = select(_l("Organisation"), [], optional(int))
    roles = MultiCheckboxField(
        _l("Roles"),
        coerce=Role,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=_l("You cannot give the role %(value)s."),
    )

    def __init__(
        self,
        *args,
        role_choices: Iterable[Role],
        organizations: Iterable[tuple[int, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.roles.choices = select_choices((role, ROLE_LABELS[role]) for role in role_choices)
        self.organization_id.choices = select_choices(
            [("", _l("— No organisation —")), *organizations]
        )


class InviteUserForm(UserForm):
    """Invite a person: an account without a password and an e-mail with a link."""

    language = select(_l("Language of the invitation"), LANGUAGE_NAMES.items(), str, default="nb")


class _FilterForm(Form):
    """Filters sent in the query string: no CSRF token, never changes anything."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip_text], validators=[Length(max=200)])

    def value(self, name: str):
        """The field's value, or None when it was not valid (and so is ignored)."""
        field = self[name]
        return None if field.errors else field.data


class OrganizationFilterForm(_FilterForm):
    kind = select(
        _l("Kind"),
        [("", _l("All kinds")), *KIND_LABELS.items()],
        optional(OrganizationKind),
        default="",
    )


class UserFilterForm(_FilterForm):
    role = select(
        _l("Role"), [("", _l("All roles")), *ROLE_LABELS.items()], optional(Role), default=""
    )
    organization = select(_l("Organisation"), [], optional(int), default="")
    status = select(
        _l("Status"),
        [("", _l("Any status")), *STATUS_LABELS.items()],
        optional(UserStatus),
        default="",
    )

    def __init__(self, *args, organizations: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = select_choices([("", _l("All organisations")), *organizations])
