"""`flask demo`: load the demo world into an empty database."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from partnerhub import background
from partnerhub.services import demo


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only when the database has no organizations; else say so.",
)
@with_appcontext
def load_demo(if_empty):
    """Load two developers, two agencies and their reservations."""
    if not demo.is_empty():
        click.echo("The database already has data; the demo was not loaded.")
        if not if_empty:
            sys.exit(1)
        if demo.is_loaded():
            _print_logins()
        return
    demo.load()
    background.dispatcher(current_app).drain()
    click.echo("Demo loaded.")
    _print_logins()


def _print_logins():
    click.echo(f"Demo logins (password {demo.PASSWORD}):")
    for email in demo.LOGINS:
        click.echo(f"  {email}")


COMMANDS = [load_demo]
