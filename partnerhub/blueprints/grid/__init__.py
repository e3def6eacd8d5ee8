"""The building grid (шахматка) and the unit panel."""

from partnerhub.blueprints.grid.views import bp

__all__ = ["bp"]
