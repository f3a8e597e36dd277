"""Building and sending one e-mail over SMTP; without SMTP settings the mail is logged."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

log = logging.getLogger(__name__)


def build_message(
    *, sender: str, recipient: str, subject: str, text: str, html: str | None = None
) -> EmailMessage:
    """Return a message to one recipient, with a text part and an optional HTML part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    domain = sender.rpartition("@")[2].rstrip(">") or "talent.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def open_connection(config) -> smtplib.SMTP:
    """Connect and log in to the configured SMTP server."""
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    security = config["SMTP_SECURITY"]
    if security == "ssl":
        connection = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USER"):
        connection.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    return connection


def send_message(config, message: EmailMessage) -> str:
    """Send the message now and return its Message-ID; log it instead if SMTP is not set up."""
    if not config.get("SMTP_HOST"):
        log.info("SMTP not configured; e-mail to %s not sent:\n%s", message["To"], message)
        return message["Message-ID"]
    with open_connection(config) as connection:
        connection.send_message(message)
    log.info("e-mail %s sent to %s", message["Message-ID"], message["To"])
    return message["Message-ID"]
