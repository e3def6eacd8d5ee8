"""Background jobs for RQ: thin functions that push an app context, call a service."""
