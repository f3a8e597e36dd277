"""Log in and out, passwords, invitations, the profile and the language switch."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, logout_user

from talent.auth import tokens
from talent.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    SetPasswordForm,
)
from talent.auth.guards import permission_required, public
from talent.auth.links import send_password_reset
from talent.auth.login_sessions import active_sessions, describe_device, end_other_sessions
from talent.auth.services import (
    LoginRefused,
    authenticate,
    change_password,
    set_password,
    update_profile,
)
from talent.auth.session import sign_in, sign_out
from talent.auth.throttling import LoginThrottled
from talent.db import utcnow
from talent.errors import AlreadyDone, DomainError
from talent.extensions import db
from talent.i18n import LANGUAGE_SESSION_KEY, timezone_choices
from talent.web.actions import act
from talent.web.forms import show_error_on_form
from talent.web.redirects import is_local_path

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.email.data,
                form.password.data,
                address=_client_address(),
                now=utcnow(),
                limits=current_app.config,
            )
        except LoginThrottled as throttled:
            flash(str(throttled.message), "danger")
        except LoginRefused as refused:
            db.session.commit()  # keep the failed attempt: it is what throttling counts
            flash(str(refused.message), "danger")
        else:
            db.session.commit()
            sign_in(user)
            log.info("user %s logged in", user.id)
            target = form.next.data
            return redirect(target if is_local_path(target) else url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Sign out; a POST so that no link or image can log anyone out."""
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sign_out(current_user._get_current_object())
        else:
            session.clear()
        flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Send a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data, now=utcnow())
        db.session.commit()
        flash(
            gettext(
                "If the address has an account, a reset link is on its way. "
                "It works once and for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_from_link(
    token: str, purpose: str, max_age: timedelta, template: str, done_message: str
):
    try:
        user = tokens.user_from_link_token(
            current_app.config["SECRET_KEY"], purpose, token, max_age
        )
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=str(error.message)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(done_message, "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from an e-mailed link."""
    return _set_password_from_link(
        token,
        tokens.PASSWORD_RESET,
        timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
        "auth/reset_password.html",
        gettext("Your password is changed. Log in with the new one."),
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """Accept an invitation by choosing a password."""
    return _set_password_from_link(
        token,
        tokens.INVITATION,
        timedelta(hours=current_app.config["INVITATION_HOURS"]),
        "auth/accept_invitation.html",
        gettext("Welcome! Your account is ready. Log in with your e-mail and new password."),
    )


@bp.route("/profile", methods=["GET", "POST"])
@permission_required("profile.edit")
def profile():
    """Change one's own name, language and time zone."""
    form = ProfileForm(obj=current_user, timezones=timezone_choices())
    if form.validate_on_submit():
        done = act(
            lambda: update_profile(
                current_user,
                name=form.name.data,
                language=form.language.data,
                timezone=form.timezone.data,
                now=utcnow(),
            ),
            success=gettext("Your profile is saved."),
            then=url_for("auth.profile"),
            form=form,
        )
        if done:
            return done
    return _profile_page(form, ChangePasswordForm())


def _profile_page(form: ProfileForm, password_form: ChangePasswordForm) -> str:
    sessions = active_sessions(
        current_user, now=utcnow(), lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"]
    )
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form,
        sessions=sessions,
        describe_device=describe_device,
        sessions_form=LogoutForm(),
    )


@bp.route("/profile/password", methods=["POST"])
@permission_required("profile.edit")
def change_own_password():
    """Change one's password; other sessions end, this one continues."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user, form.current_password.data, form.password.data, now=utcnow()
            )
        except AlreadyDone as done:
            # A second click: the first ended this session too; start a new one, or this
            # answer, arriving last, would leave the browser logged out.
            db.session.rollback()
            sign_in(current_user._get_current_object())
            flash(str(done.message), "info")
            return redirect(url_for("auth.profile"))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            db.session.commit()
            # Every session ended; start a new one here. Pass the user itself: given the
            # current_user proxy, Flask-Login would cache the proxy and recurse on next use.
            sign_in(current_user._get_current_object())
            flash(gettext("Your password is changed. Other sessions are logged out."), "success")
            return redirect(url_for("auth.profile"))
    profile_form = ProfileForm(obj=current_user, timezones=timezone_choices())
    return _profile_page(profile_form, form), 400


@bp.route("/profile/sessions/others", methods=["POST"])
@permission_required("profile.edit")
def end_other_logins():
    """Log out every other browser; this one stays logged in."""
    if LogoutForm().validate_on_submit():
        end_other_sessions(current_user, keep_key=current_user.session_key)
        db.session.commit()
        flash(gettext("You are logged out everywhere else."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/profile/sessions/all", methods=["POST"])
@permission_required("profile.edit")
def end_all_logins():
    """Log out every browser, this one included."""
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("auth.profile"))
    user = current_user._get_current_object()
    user.end_sessions()
    db.session.commit()
    log.info("user %s logged out everywhere", user.id)
    logout_user()
    session.clear()
    flash(gettext("You are logged out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def switch_language():
    """Switch the interface language; remembered on the account when logged in."""
    form = LanguageForm()
    if form.validate_on_submit():
        language = form.language.data
        session[LANGUAGE_SESSION_KEY] = language
        if current_user.is_authenticated:
            update_profile(
                current_user,
                name=current_user.name,
                language=language,
                timezone=current_user.timezone,
                now=utcnow(),
            )
            db.session.commit()
    target = form.next.data
    return redirect(target if is_local_path(target) else url_for("home.index"))
