"""One SMTP session for a scheduler tick: opened on first use, reused for every e-mail,
reopened once if the server drops it, and given up on for the tick once the server is
unreachable. Without TALENT_SMTP_HOST each e-mail is written to the log instead."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
from email.utils import parseaddr

from talent.reminders.mime import OutgoingMail

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")


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


class DeliveryError(Exception):
    """An e-mail could not be handed to the SMTP server; the text says why, readably."""


def smtp_settings_problem(config) -> str | None:
    """What is wrong with the SMTP settings, or None when they can be used."""
    host = config.get("SMTP_HOST")
    if not host:
        return None
    if not isinstance(host, str) or any(ch.isspace() for ch in host):
        return f"TALENT_SMTP_HOST {host!r} is not a host name"
    port = config.get("SMTP_PORT")
    if not isinstance(port, int) or not 0 < port < 65536:
        return f"TALENT_SMTP_PORT {port!r} is not a port number (1-65535)"
    if config.get("SMTP_SECURITY") not in SECURITY_MODES:
        security = config.get("SMTP_SECURITY")
        return f"TALENT_SMTP_SECURITY {security!r} is not one of starttls, ssl, none"
    timeout = config.get("SMTP_TIMEOUT")
    if not isinstance(timeout, int | float) or timeout <= 0:
        return f"TALENT_SMTP_TIMEOUT {timeout!r} is not a positive number of seconds"
    if "@" not in parseaddr(config.get("MAIL_SENDER") or "")[1]:
        return f"TALENT_MAIL_SENDER {config.get('MAIL_SENDER')!r} is not an e-mail address"
    return None


def describe(error: BaseException, config) -> str:
    """A one-line explanation of an SMTP failure that a coordinator can act on."""
    where = f"{config.get('SMTP_HOST')}:{config.get('SMTP_PORT')}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return f"The SMTP server {where} refused the recipient ({refusals})."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The SMTP server {where} answered {error.smtp_code} {_text(error.smtp_error)}."
    if isinstance(error, smtplib.SMTPServerDisconnected) and "timed out" in str(error):
        seconds = config.get("SMTP_TIMEOUT")
        return f"The SMTP server {where} did not answer within {seconds} seconds."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"The SMTP server {where} closed the connection ({error})."
    if isinstance(error, TimeoutError | socket.timeout):
        seconds = config.get("SMTP_TIMEOUT")
        return f"The SMTP server {where} did not answer within {seconds} seconds."
    if isinstance(error, ConnectionRefusedError):
        return f"The SMTP server {where} refused the connection (nothing listens there)."
    if isinstance(error, socket.gaierror):
        return f"The SMTP host {config.get('SMTP_HOST')!r} could not be found ({error})."
    return f"Sending through {where} failed: {type(error).__name__}: {error}"


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class Mailer:
    """Hands e-mails to SMTP over one connection; call close() when the tick ends."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None
        self.problem = smtp_settings_problem(config)
        #: Set once the server could not be reached: later e-mails this tick wait for a retry.
        self.broken: str | None = None
        if self.problem:
            log.error("SMTP settings are invalid, e-mails will be retried: %s", self.problem)
        self.logs_only = not config.get("SMTP_HOST")

    def ready(self) -> None:
        """Connect now if the next e-mails need a connection, so that no wait for the server
        comes between confirming a claim and sending."""
        if self.problem or self.logs_only or self.broken or self.connection is not None:
            return
        try:
            self.connection = open_connection(self.config)
            self.connection.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            self.broken = describe(error, self.config)
            log.error("SMTP unusable for the rest of this tick: %s", self.broken)

    def send(self, message: OutgoingMail) -> None:
        """Send one e-mail or raise DeliveryError."""
        if self.problem:
            raise DeliveryError(f"The SMTP settings are invalid: {self.problem}.")
        if self.logs_only:
            log.info(
                "SMTP not configured; e-mail to %s not sent:\nSubject: %s\n\n%s",
                message.recipient,
                message.subject,
                message.text,
            )
            return
        if self.broken:
            raise DeliveryError(self.broken)
        for attempt in (1, 2):
            fresh = self.connection is None
            try:
                if fresh:
                    self.connection = open_connection(self.config)
                self.connection.sendmail(message.envelope_from, [message.recipient], message.data)
                return
            except smtplib.SMTPServerDisconnected as error:
                # A server may drop a connection that was idle; reconnect once for that.
                self._drop()
                if fresh or attempt == 2:
                    self._give_up(error)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                self._reset()
                raise DeliveryError(describe(error, self.config)) from error
            except (smtplib.SMTPException, OSError) as error:
                self._drop()
                self._give_up(error)

    def _give_up(self, error: BaseException) -> None:
        self.broken = describe(error, self.config)
        log.error("SMTP unusable for the rest of this tick: %s", self.broken)
        raise DeliveryError(self.broken) from error

    def _reset(self) -> None:
        """After a refused message, clear the transaction so the connection can go on."""
        try:
            if self.connection is not None:
                self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()
