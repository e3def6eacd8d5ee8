"""The developer admin's partners (grants) and each organization's own team."""

from partnerhub.blueprints.grants import team, views  # noqa: F401  (routes)
from partnerhub.blueprints.grants.views import bp

__all__ = ["bp"]
