"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy.types import DateTime, TypeDecorator

# Ids are PostgreSQL integers: a larger number names no row, and PostgreSQL
# refuses to compare an id column with it rather than find nothing.
MAX_ID = 2**31 - 1


def is_possible_id(value):
    return isinstance(value, int) and 0 < value <= MAX_ID


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime, also on SQLite, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow():
    return datetime.now(UTC)
