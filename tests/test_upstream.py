"""What Talent relies on inside Flask-Babel and Flask-WTF (talent/upstream/): each test fails
loudly when an upgrade changes that behaviour, instead of languages going wrong silently."""

from __future__ import annotations

from flask import request
from flask_babel import force_locale, get_locale, gettext, refresh
from flask_wtf.i18n import translations as flask_wtf_translations

from talent.upstream.flask_babel import request_state, request_state_if_made
from talent.upstream.flask_wtf import wtforms_catalogue


def test_flask_babel_keeps_the_locale_in_the_state_the_adapter_reads(app):
    with app.test_request_context("/", headers={"Accept-Language": "nb"}):
        assert request_state_if_made() is None
        locale = get_locale()
        assert request_state_if_made() is request_state()
        assert request_state().babel_locale is locale


def test_a_forced_locale_resets_the_kept_catalogue_and_restores_it(app):
    with app.test_request_context("/", headers={"Accept-Language": "nb"}):
        assert gettext("Save") == "Lagre"
        kept = request_state().babel_translations
        with force_locale("en"):
            assert gettext("Save") == "Save"
        assert request_state().babel_translations is kept
        assert gettext("Save") == "Lagre"


def test_refresh_drops_the_kept_catalogue(app):
    with app.test_request_context("/", headers={"Accept-Language": "nb"}):
        assert gettext("Save") == "Lagre"
        refresh()
        assert getattr(request_state(), "babel_translations", None) is None


def test_flask_wtf_reads_the_wtforms_catalogue_from_the_request(app):
    with app.test_request_context("/", headers={"Accept-Language": "nb"}):
        message = flask_wtf_translations.gettext("This field is required.")
        assert "wtforms_translations" in vars(request), "Flask-WTF no longer asks the request"
        assert request.wtforms_translations is wtforms_catalogue("nb")
        assert message != "This field is required."
