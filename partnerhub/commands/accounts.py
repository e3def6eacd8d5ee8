"""Accounts from the command line: the platform operator and developers."""

import sys

import click
from flask.cli import with_appcontext

from partnerhub.extensions import db
from partnerhub.models import Role
from partnerhub.services import accounts
from partnerhub.services.errors import DomainError

# The option to change when a service refuses a field.
DEVELOPER_OPTIONS = {
    "name": "--name",
    "slug": "--slug",
    "email": "--admin-email",
    "password": "--admin-password",
}
OPERATOR_OPTIONS = {"email": "--email", "password": "--password"}


@click.command("create-developer")
@click.option("--name", required=True, help="The developer's name.")
@click.option("--slug", required=True, help="Short Latin name used in commands.")
@click.option("--admin-email", required=True)
@click.option("--admin-name", default="", help="The first admin's full name.")
@click.password_option("--admin-password", help="The first admin's password.")
@with_appcontext
def create_developer(name, slug, admin_email, admin_name, admin_password):
    """Create a developer organization and its first admin."""
    try:
        org, admin = accounts.create_developer(
            name, slug, admin_email, admin_password, admin_name or admin_email
        )
    except DomainError as error:
        _refuse(error, DEVELOPER_OPTIONS)
    click.echo(f"developer {org.slug} created (id {org.id}), admin {admin.email}")


@click.command("create-operator")
@click.option("--email", required=True)
@click.option("--name", default="Operator")
@click.password_option("--password")
@with_appcontext
def create_operator(email, name, password):
    """Create a platform operator account."""
    try:
        user = accounts.create_user(None, email, password, name, Role.OPERATOR)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _refuse(error, OPERATOR_OPTIONS)
    click.echo(f"operator {user.email} created")


def _refuse(error, options):
    """Say what was refused and which option to change, and exit non-zero."""
    option = options.get(error.field)
    hint = f" ({option})" if option else ""
    click.echo(f"refused{hint}: {error.message}", err=True)
    sys.exit(1)


COMMANDS = [create_developer, create_operator]
