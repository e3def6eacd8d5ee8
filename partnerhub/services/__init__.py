"""Every change of state lives here: one function, one transaction.

Services raise the domain errors of services.errors; views turn them into
form errors or status codes. Services never read Flask's request.
"""
