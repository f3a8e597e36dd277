"""A value that reaches an e-mail header stays in that header, whatever it holds."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from talent.reminders.mime import compose

HOSTILE = "x\r\nBcc: evil@example.com\r\n\r\nbody"
TEXT, HTML = "The real text.\n", "<p>The real HTML.</p>"


def _parsed(**overrides):
    values = {
        "sender": "Talent <no-reply@talent.invalid>",
        "recipient": "pupil@example.org",
        "subject": "Your visit tomorrow",
    }
    mail = compose(**(values | overrides), text=TEXT, html=HTML, message_id="<1.2@talent.invalid>")
    return mail, BytesParser(policy=policy.default).parsebytes(mail.data)


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject": HOSTILE},
        {"subject": "Besøk i morgen" + HOSTILE},
        {"sender": f"{HOSTILE} <no-reply@talent.invalid>"},
        {"recipient": f"{HOSTILE} <pupil@example.org>"},
        {"recipient": f"Åse {HOSTILE} <pupil@example.org>"},
    ],
    ids=["subject", "non-ASCII subject", "sender name", "recipient name", "non-ASCII name"],
)
def test_a_line_break_in_a_header_value_starts_no_header_and_no_body(overrides):
    mail, message = _parsed(**overrides)

    assert message["Bcc"] is None
    assert [name for name in message if name.lower() == "bcc"] == []
    assert len(message.get_all("Subject")) == len(message.get_all("To")) == 1
    assert message.is_multipart()
    text, html = (part.get_content() for part in message.iter_parts())
    assert (text, html) == (TEXT, HTML)
    assert mail.recipient == "pupil@example.org"
    assert mail.envelope_from == "no-reply@talent.invalid"
    for name in ("Subject", "From", "To"):
        assert "\r" not in message[name] and "\n" not in message[name]


def test_the_words_of_a_hostile_header_stay_readable_on_one_line():
    _, message = _parsed(subject=HOSTILE, recipient=f"Åse {HOSTILE} <pupil@example.org>")

    assert message["Subject"] == "x Bcc: evil@example.com body"
    assert message["To"].addresses[0].display_name == "Åse x Bcc: evil@example.com body"
    assert message["To"].addresses[0].addr_spec == "pupil@example.org"
