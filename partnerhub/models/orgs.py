"""Organizations (developers and agencies) and the people who sign in."""

import secrets

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow


class OrgKind:
    DEVELOPER = "developer"
    AGENCY = "agency"


class Role:
    OPERATOR = "operator"
    DEVELOPER_ADMIN = "developer_admin"
    SALES_MANAGER = "sales_manager"
    AGENCY_ADMIN = "agency_admin"
    AGENT = "agent"

    DEVELOPER_STAFF = (DEVELOPER_ADMIN, SALES_MANAGER)
    AGENCY_STAFF = (AGENCY_ADMIN, AGENT)
    ALL = (OPERATOR, DEVELOPER_ADMIN, SALES_MANAGER, AGENCY_ADMIN, AGENT)


class Organization(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    users: Mapped[list["User"]] = relationship(back_populates="organization")

    @property
    def is_developer(self):
        return self.kind == OrgKind.DEVELOPER

    @property
    def is_agency(self):
        return self.kind == OrgKind.AGENCY

    def __repr__(self):
        return f"<Organization {self.id} {self.kind} {self.slug}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Werkzeug's scrypt hashes are about 162 characters long.
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # The session and remember cookies carry this token, not the id, so that
    # changing it signs the user out everywhere at once.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship(back_populates="users")

    def set_password(self, password):
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    @property
    def is_operator(self):
        return self.role == Role.OPERATOR

    @property
    def is_developer_staff(self):
        return self.role in Role.DEVELOPER_STAFF

    @property
    def is_agency_staff(self):
        return self.role in Role.AGENCY_STAFF

    def __repr__(self):
        return f"<User {self.id} {self.role}>"
