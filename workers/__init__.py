"""Background jobs for RQ: thin functions that push an app context and call a service."""
