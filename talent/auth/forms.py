"""Forms for logging in, passwords and the profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from talent.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from talent.i18n import LANGUAGE_NAMES
from talent.web.forms import Form, select_choices


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    return password, confirm


class SetPasswordForm(Form):
    password, confirm = _new_password_fields()


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, confirm = _new_password_fields()


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=select_choices(LANGUAGE_NAMES.items()))
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])

    def __init__(self, *args, timezones: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = select_choices(timezones)


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=select_choices(LANGUAGE_NAMES.items()))
    next = HiddenField()


class LogoutForm(Form):
    """Empty: logging out is a POST with a CSRF token."""
