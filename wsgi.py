"""The application object for WSGI servers: gunicorn wsgi:app."""

import os

from werkzeug.middleware.proxy_fix import ProxyFix

from partnerhub import create_app

app = create_app()

# Behind a reverse proxy, trust its X-Forwarded-* headers (one hop by default).
_proxies = int(os.environ.get("PARTNERHUB_PROXY_HOPS", "0"))
if _proxies:
    app.wsgi_app = ProxyFix(
        app.wsgi_app, x_for=_proxies, x_proto=_proxies, x_host=_proxies
    )
