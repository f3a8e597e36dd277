"""Domain errors raised by services, with messages a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; ``message`` is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: The form field the message belongs to, if any.
        self.field = field


class NotAllowed(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidState(DomainError):
    status_code = 409


class ValidationFailed(DomainError):
    status_code = 400


class AlreadyDone(DomainError):
    """The change was already made, a moment ago by the same user (a double-click, a retried
    request) or by someone else: nothing more happens.

    Not a failure: views say it as information and go where the change would have led.
    """

    status_code = 200
