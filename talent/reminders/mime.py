"""Composing reminder e-mails quickly enough for bulk sending.

``talent.mail.build_message`` uses the ``email`` package's message objects, which parse every
header they are given and fold every header again when flattened; for thousands of reminders
that costs several times the SMTP exchange itself. A reminder always has the same shape, so it
is written out directly: multipart/alternative with a UTF-8 text part and a UTF-8 HTML part,
base64 bodies, RFC 2047 encoded headers, CRLF line ends, ready for ``smtplib.sendmail``.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr


@dataclass(frozen=True)
class OutgoingMail:
    envelope_from: str
    recipient: str
    subject: str
    message_id: str
    text: str
    data: bytes


def _header(value: str) -> str:
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _address(value: str) -> tuple[str, str]:
    """(the header form, the bare address) of ``Name <address>`` or ``address``."""
    name, address = parseaddr(value)
    return (formataddr((name, address), charset="utf-8") if name else address), address


def _body(content: str) -> str:
    return base64.encodebytes(content.encode("utf-8")).decode("ascii").replace("\n", "\r\n")


def compose(
    *, sender: str, recipient: str, subject: str, text: str, html: str, message_id: str
) -> OutgoingMail:
    """A multipart/alternative e-mail to one recipient with a text and an HTML part."""
    sender_header, envelope_from = _address(sender)
    boundary = f"=_talent_{secrets.token_hex(12)}"
    head = "\r\n".join(
        [
            f"From: {sender_header}",
            f"To: {recipient}",
            f"Subject: {_header(subject)}",
            f"Date: {formatdate(usegmt=True)}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
        ]
    )
    parts = "".join(
        f"--{boundary}\r\n"
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{_body(content)}"
        for subtype, content in (("plain", text), ("html", html))
    )
    data = f"{head}\r\n\r\n{parts}--{boundary}--\r\n".encode("ascii")
    return OutgoingMail(envelope_from, recipient, subject, message_id, text, data)
