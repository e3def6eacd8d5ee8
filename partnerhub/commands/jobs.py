"""Serving the app for a laptop, and the background work by hand."""

import atexit
import logging
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from partnerhub import background

log = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int)
@with_appcontext
def serve(host, port):
    """Serve the app; with REDIS_URL start an RQ worker too, else sweep in-process."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        worker = subprocess.Popen([sys.executable, "-m", "workers"])
        atexit.register(worker.terminate)
        click.echo(f"RQ worker with its scheduler started (pid {worker.pid}).")
    else:
        background.start_sweeper(app)
        click.echo("No REDIS_URL: background jobs run in this process.")
    click.echo(f"PartnerHub: http://{host}:{port}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("sweep")
@with_appcontext
def sweep():
    """Expire lapsed reservations and resend due outbox messages, once."""
    app = current_app._get_current_object()
    expired, resent = background.run_sweep(app)
    background.dispatcher(app).drain()
    click.echo(f"expired {expired}, resent {resent}")


COMMANDS = [serve, sweep]
