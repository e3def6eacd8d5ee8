"""Accounts and organizations: sign-in, creating organizations and their people."""

import logging
import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import Organization, OrgKind, Role, User
from partnerhub.models.types import utcnow
from partnerhub.services import audit
from partnerhub.services.errors import DomainError, NotAllowed

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8

# A hash to compare against when the e-mail is unknown, so that a wrong
# e-mail takes as long as a wrong password.
_DUMMY_HASH = None


def normalize_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    """The active user with this e-mail and password, or None; commits the sign-in.

    A disabled account with the right password raises NotAllowed, so that its
    owner learns why instead of retrying; a wrong password says nothing more.
    """
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
    if not user.check_password(password):
        log.info("sign-in failed for user %s", user.id)
        return None
    if not user.active:
        log.info("sign-in refused for user %s: account disabled", user.id)
        raise NotAllowed(_l("This account is disabled. Ask your organization's admin."))
    user.last_login_at = utcnow()
    db.session.commit()
    log.info("user %s signed in", user.id)
    return user


def set_locale(user, locale):
    user.locale = locale
    db.session.commit()


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:64]


def email_taken(email):
    count = db.session.scalar(
        select(func.count()).select_from(User).filter_by(email=normalize_email(email))
    )
    return count > 0


def slug_taken(slug):
    count = db.session.scalar(
        select(func.count()).select_from(Organization).filter_by(slug=slug)
    )
    return count > 0


def organizations_with_users(kind):
    """Every organization of a kind, by name, with its people loaded."""
    return db.session.scalars(
        select(Organization)
        .where(Organization.kind == kind)
        .options(selectinload(Organization.users))
        .order_by(Organization.name, Organization.id)
    ).all()


def agencies():
    return db.session.scalars(
        select(Organization)
        .where(Organization.kind == OrgKind.AGENCY)
        .order_by(Organization.name, Organization.id)
    ).all()


def members_of(organization_id):
    return db.session.scalars(
        select(User)
        .where(User.organization_id == organization_id)
        .order_by(User.active.desc(), User.full_name, User.id)
    ).all()


# The building blocks below add to the session without committing; the
# functions after them are the transactions.


def create_organization(kind, name, slug):
    if kind not in (OrgKind.DEVELOPER, OrgKind.AGENCY):
        raise DomainError("unknown organization kind", field="kind")
    if not (name or "").strip():
        raise DomainError(_l("Enter the name."), field="name")
    if len(name.strip()) > 200:
        raise DomainError(_l("Keep the name under 200 characters."), field="name")
    slug = slugify(slug or name)
    if not slug:
        raise DomainError(
            _l("The short name must contain Latin letters or digits."), field="slug"
        )
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
            raise DomainError(
                _l("This role does not exist in this organization."), field="role"
            )
    if "@" not in normalize_email(email) or len(normalize_email(email)) > 254:
        raise DomainError(_l("Enter a valid e-mail address."), field="email")
    if email_taken(email):
        raise DomainError(_l("This e-mail is already in use."), field="email")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            ngettext(
                "The password must be at least %(num)s character long.",
                "The password must be at least %(num)s characters long.",
                MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    user = User(
        organization=organization,
        email=normalize_email(email),
        full_name=((full_name or "").strip() or normalize_email(email))[:200],
        role=role,
    )
    user.set_password(password)
    db.session.add(user)
    return user


def create_developer(name, slug, admin_email, admin_password, admin_name, actor=None):
    """A developer organization and its first admin, in one transaction."""
    return _create_with_admin(
        OrgKind.DEVELOPER,
        Role.DEVELOPER_ADMIN,
        name,
        slug,
        admin_email,
        admin_password,
        admin_name,
        actor,
    )


def create_agency(name, slug, admin_email, admin_password, admin_name, actor=None):
    """An agency organization and its first admin, in one transaction."""
    return _create_with_admin(
        OrgKind.AGENCY,
        Role.AGENCY_ADMIN,
        name,
        slug,
        admin_email,
        admin_password,
        admin_name,
        actor,
    )


def _create_with_admin(
    kind, role, name, slug, admin_email, admin_password, admin_name, actor
):
    try:
        org = create_organization(kind, name, slug)
        admin = create_user(org, admin_email, admin_password, admin_name, role)
        db.session.flush()
        audit.record(
            "organization.created",
            actor,
            organization_id=org.id,
            to_value=org.slug,
            kind=kind,
            admin_id=admin.id,
        )
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError:
        # Someone took the short name or the e-mail between the check and
        # the insert; say which, as the check would have.
        db.session.rollback()
        raise _taken_error(slug, admin_email) from None
    log.info(
        "%s %s (%s) created with admin user %s by %s",
        kind,
        org.id,
        org.slug,
        admin.id,
        f"user {actor.id}" if actor else "the command line",
    )
    return org, admin


def _taken_error(slug, email):
    if slug_taken(slugify(slug)):
        return DomainError(_l("This short name is already taken."), field="slug")
    if email_taken(email):
        return DomainError(_l("This e-mail is already in use."), field="email")
    return DomainError(_l("The change could not be saved. Try again."))


def add_member(actor, email, password, full_name, role):
    """A new person in the actor's own organization, with a role it may give."""
    if role not in access.assignable_roles(actor):
        raise NotAllowed(_l("You cannot give this role."), field="role")
    try:
        member = create_user(actor.organization, email, password, full_name, role)
        db.session.flush()
        audit.record(
            "user.created",
            actor,
            organization_id=actor.organization_id,
            to_value=role,
            user_id=member.id,
        )
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_l("This e-mail is already in use."), field="email") from None
    log.info(
        "user %s (%s) added to organization %s by user %s",
        member.id,
        role,
        actor.organization_id,
        actor.id,
    )
    return member


def set_member_active(actor, member, active):
    """Turn a colleague's account off or on again.

    Turning it off also changes its session token, which signs it out on every
    device at once.
    """
    if member.id == actor.id:
        raise NotAllowed(_l("You cannot turn off your own account."))
    if (
        member.organization_id != actor.organization_id
        or member.role not in access.assignable_roles(actor)
    ):
        raise NotAllowed(_l("You cannot change this account."))
    if member.active == active:
        return member

    member.active = active
    if not active:
        member.session_token = secrets.token_urlsafe(32)
    audit.record(
        "user.activated" if active else "user.deactivated",
        actor,
        organization_id=actor.organization_id,
        user_id=member.id,
    )
    db.session.commit()
    log.info(
        "user %s %s by user %s",
        member.id,
        "activated" if active else "deactivated",
        actor.id,
    )
    return member
