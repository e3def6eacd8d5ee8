"""Domain errors raised by services and mapped to answers by views."""


class DomainError(Exception):
    """A change that cannot be made; the message is meant for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may see the object but not do this to it."""


class UnitNotAvailable(DomainError):
    """The unit cannot be reserved now (taken, sold, or not on sale)."""


class UnitChanged(DomainError):
    """Someone else changed the unit since the editor loaded it."""


class InvalidTransition(DomainError):
    """The reservation is not in a state that allows this step."""


class LimitReached(DomainError):
    """A limit set by the grant (days, open reservations) is exceeded."""


class InvalidFile(DomainError):
    """An upload or a listing file is refused."""
