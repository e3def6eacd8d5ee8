from partnerhub.blueprints.projects.views import bp

__all__ = ["bp"]
