"""Translations and dates follow the request's language and zone, looked up once per request
and switched by force_locale."""

from datetime import UTC, date, datetime

from flask import render_template_string, request
from flask_babel import force_locale, gettext
from flask_wtf import FlaskForm
from wtforms import IntegerField

from talent import i18n

TEMPLATE = "{{ _('Inbox') }} {{ moment|datetime }} {{ moment|date }} {{ day|date }}"
WINTER_MORNING = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)  # 09:30 in Oslo


def render() -> str:
    return render_template_string(TEMPLATE, moment=WINTER_MORNING, day=date(2026, 3, 1))


def test_strings_and_dates_in_english_then_forced_to_norwegian_and_back(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render() == "Inbox 5. Jan 2026 09:30 5. Jan 2026 1. Mar 2026"
        with force_locale("nb"):
            assert gettext("Inbox") == "Innboks"
            assert render() == "Innboks 5. jan. 2026 09:30 5. jan. 2026 1. mars 2026"
        assert gettext("Inbox") == "Inbox"
        assert render().startswith("Inbox 5. Jan 2026")


def test_norwegian_request_translates_templates_and_code(app):
    with app.test_request_context("/", headers={"Accept-Language": "nb"}):
        assert gettext("Inbox") == "Innboks"
        assert render().startswith("Innboks 5. jan. 2026 09:30")


def test_naive_datetimes_are_taken_as_utc(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        naive = WINTER_MORNING.replace(tzinfo=None)
        assert i18n._datetime_filter(naive) == "5. Jan 2026 09:30"
        assert i18n._datetime_filter(None) == ""
        assert i18n._date_filter(None) == ""


def test_form_messages_come_from_the_catalogue_of_the_request_language(app):
    class AgeForm(FlaskForm):
        age = IntegerField()

    # A context of its own for each request, as each request has (the tests share one).
    with app.app_context(), app.test_request_context("/?age=x", headers={"Accept-Language": "nb"}):
        form = AgeForm(request.args, meta={"csrf": False})
        form.validate()
        norwegian = form.age.errors[0]
    with app.app_context(), app.test_request_context("/?age=x", headers={"Accept-Language": "en"}):
        form = AgeForm(request.args, meta={"csrf": False})
        form.validate()
        english = form.age.errors[0]
    assert english == "Not a valid integer value."
    assert norwegian != english
