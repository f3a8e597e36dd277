"""Flask-WTF 1.x looks for WTForms' message catalogue on the request, under
``request.wtforms_translations``, and, not finding it, parses the catalogue file again on every
request that builds a form with an unlabelled field or shows an error (about 0.5 ms). The
request class here offers it, read once per language and process. tests/test_upstream.py
fails when Flask-WTF stops looking there.
"""

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


class RequestWithWTFormsCatalogue(Request):
    @cached_property
    def wtforms_translations(self) -> Translations:
        """The name Flask-WTF looks the catalogue up by."""
        return wtforms_catalogue(str(get_locale()))
