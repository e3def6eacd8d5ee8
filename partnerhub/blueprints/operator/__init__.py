from partnerhub.blueprints.operator.views import bp

__all__ = ["bp"]
