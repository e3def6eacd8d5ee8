"""PartnerHub: the partner-sales portal between developers and agencies."""

import logging

from flask import Flask

from partnerhub.config import INSTANCE_DIR, Config


def create_app(config_object=Config, **overrides):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_object)
    app.config.update(overrides)
    INSTANCE_DIR.mkdir(exist_ok=True)
    _configure_logging(app)

    from partnerhub import background, extensions, web

    extensions.init_app(app)
    web.init_app(app)
    background.init_app(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _configure_logging(app):
    if not app.debug and not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("alembic").setLevel(logging.WARNING)


def _register_blueprints(app):
    from partnerhub.blueprints import register_all

    register_all(app)


def _register_commands(app):
    from partnerhub.commands import register_commands

    register_commands(app)
