"""Command-line tools: `flask --app wsgi <command>`."""

from importlib import import_module

MODULES = ("accounts", "listing", "demo", "jobs")


def register_commands(app):
    for name in MODULES:
        module = import_module(f"partnerhub.commands.{name}")
        for command in module.COMMANDS:
            app.cli.add_command(command)
