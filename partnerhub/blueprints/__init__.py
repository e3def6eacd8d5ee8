"""One blueprint per area of the application."""

from importlib import import_module

AREAS = (
    "auth",
    "home",
    "health",
    "operator",
    "grid",
    "reservations",
    "moderation",
    "imports",
    "grants",
    "projects",
)


def register_all(app):
    for area in AREAS:
        module = import_module(f"partnerhub.blueprints.{area}")
        app.register_blueprint(module.bp)
