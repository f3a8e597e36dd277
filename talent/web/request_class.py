"""The request class: Flask's, with WTForms' message catalogue kept per language."""

from __future__ import annotations

from functools import cache, cached_property

from babel.support import Translations
from flask import Request
from flask_babel import get_locale
from wtforms.i18n import messages_path


@cache
def wtforms_catalogue(language: str) -> Translations:
    """WTForms' own messages in a language, read from disk once per process."""
    return Translations.load(messages_path(), [language], domain="wtforms")


class TalentRequest(Request):
    @cached_property
    def wtforms_translations(self) -> Translations:
        """Flask-WTF looks for the catalogue here and, not finding it, parses the file again
        on every request that builds a form with an unlabelled field or shows an error
        (about 0.5 ms)."""
        return wtforms_catalogue(str(get_locale()))
