from partnerhub.blueprints.moderation.views import bp

__all__ = ["bp"]
