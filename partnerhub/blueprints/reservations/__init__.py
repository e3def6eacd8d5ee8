from partnerhub.blueprints.reservations.views import bp

__all__ = ["bp"]
