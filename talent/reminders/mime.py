"""Composing reminder e-mails quickly enough for bulk sending.

The ``email`` package's message objects parse every header they are given and fold every
header again when flattened; for thousands of reminders that costs several times the SMTP
exchange itself. A reminder always has the same shape, so it
is written out directly: multipart/alternative with a UTF-8 text part and a UTF-8 HTML part,
base64 bodies, RFC 2047 encoded headers, CRLF line ends, ready for ``smtplib.sendmail``.

No value can start a header of its own, whatever reaches this module (a name stored before
the single-line rule, a subject built from one): every header value and address goes through
``talent.text.as_single_line`` first, which leaves no CR, LF or other control character, and
then through the ``email`` package (``Header`` for anything not plain short ASCII,
``parseaddr``/``formataddr`` for addresses, which quote or encode a name as needed).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache

from talent.text import as_single_line


@dataclass(frozen=True)
class OutgoingMail:
    envelope_from: str
    recipient: str
    subject: str
    message_id: str
    text: str
    data: bytes


def _header(name: str, value: str) -> str:
    """The value of the header ``name``: one line, RFC 2047 encoded and folded unless it is
    short ASCII (the common case, and the fast one: one regular-expression search)."""
    value = as_single_line(value)
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


#: A bare address with nothing to quote or parse: the recipient of nearly every reminder.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")


@lru_cache(maxsize=64)
def _address(value: str) -> tuple[str, str]:
    """(the header form, the bare address) of ``Name <address>`` or ``address``.

    The name is everything before the last ``<``: read by ``parseaddr`` a name holding ``:``
    or ``@`` (``x Bcc: evil@example.com <a@b>``) would give another address.
    """
    if _PLAIN_ADDRESS.fullmatch(value):
        return value, value
    line = as_single_line(value)
    name, bracket, address = line.rpartition("<")
    if not (bracket and address.endswith(">")):
        name, address = "", line
    name, address = name.strip().strip('"').strip(), parseaddr(address.strip("<> "))[1]
    return (formataddr((name, address), charset="utf-8") if name else address), address


def _body(content: str) -> str:
    return base64.encodebytes(content.encode("utf-8")).decode("ascii").replace("\n", "\r\n")


def compose(
    *, sender: str, recipient: str, subject: str, text: str, html: str, message_id: str
) -> OutgoingMail:
    """A multipart/alternative e-mail to one recipient with a text and an HTML part."""
    sender_header, envelope_from = _address(sender)
    recipient_header, envelope_to = _address(recipient)
    boundary = f"=_talent_{secrets.token_hex(12)}"
    head = "\r\n".join(
        [
            f"From: {sender_header}",
            f"To: {recipient_header}",
            f"Subject: {_header('Subject', subject)}",
            f"Date: {formatdate(usegmt=True)}",
            f"Message-ID: {_header('Message-ID', message_id)}",
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
    return OutgoingMail(envelope_from, envelope_to, subject, message_id, text, data)
