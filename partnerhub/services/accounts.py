"""Accounts and organizations: sign-in, creating developers and users."""

import logging
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import Organization, OrgKind, Role, User
from partnerhub.models.types import utcnow
from partnerhub.services.errors import DomainError

log = logging.getLogger(__name__)

# A hash to compare against when the e-mail is unknown, so that a wrong
# e-mail takes as long as a wrong password.
_DUMMY_HASH = None


def normalize_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    """The active user with this e-mail and password, or None."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).filter_by(email=normalize_email(email)))
    if user is None:
        if _DUMMY_HASH is None:
            probe = User()
            probe.set_password(secrets.token_hex(8))
            _DUMMY_HASH = probe.password_hash
        User(password_hash=_DUMMY_HASH).check_password(password)
        log.info("sign-in failed: unknown e-mail")
        return None
    if not user.check_password(password) or not user.active:
        log.info("sign-in failed for user %s", user.id)
        return None
    user.last_login_at = utcnow()
    log.info("user %s signed in", user.id)
    return user


def set_locale(user, locale):
    user.locale = locale
    db.session.commit()


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:64]


def email_taken(email):
    return db.session.scalar(
        select(func.count()).select_from(User).filter_by(email=normalize_email(email))
    ) > 0


def slug_taken(slug):
    return db.session.scalar(
        select(func.count()).select_from(Organization).filter_by(slug=slug)
    ) > 0


def create_organization(kind, name, slug):
    if kind not in (OrgKind.DEVELOPER, OrgKind.AGENCY):
        raise DomainError("unknown organization kind", field="kind")
    slug = slugify(slug or name)
    if not slug:
        raise DomainError(_l("The short name must contain Latin letters or digits."),
                          field="slug")
    if slug_taken(slug):
        raise DomainError(_l("This short name is already taken."), field="slug")
    org = Organization(kind=kind, name=name.strip(), slug=slug)
    db.session.add(org)
    return org


def create_user(organization, email, password, full_name, role):
    if role not in Role.ALL:
        raise DomainError("unknown role", field="role")
    if organization is None and role != Role.OPERATOR:
        raise DomainError("a user needs an organization")
    if organization is not None:
        allowed = (
            Role.DEVELOPER_STAFF if organization.is_developer else Role.AGENCY_STAFF
        )
        if role not in allowed:
            raise DomainError(_l("This role does not exist in this organization."),
                              field="role")
    if email_taken(email):
        raise DomainError(_l("This e-mail is already in use."), field="email")
    user = User(
        organization=organization,
        email=normalize_email(email),
        full_name=full_name.strip(),
        role=role,
    )
    user.set_password(password)
    db.session.add(user)
    return user


def create_developer(name, slug, admin_email, admin_password, admin_name, actor=None):
    """A developer organization and its first admin, in one transaction."""
    org = create_organization(OrgKind.DEVELOPER, name, slug)
    admin = create_user(org, admin_email, admin_password, admin_name,
                        Role.DEVELOPER_ADMIN)
    db.session.commit()
    log.info("developer %s (%s) created with admin user %s by %s",
             org.id, org.slug, admin.id, actor.id if actor else "the command line")
    return org, admin
