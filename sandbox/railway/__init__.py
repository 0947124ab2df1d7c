"""Railway API emulator for the facturino.release sandbox.

A faithful test double of the subset of Railway's public GraphQL API (backboard ``/graphql/v2``) that the
collection uses, plus the ``railway up`` upload endpoint, a domain reverse proxy and an admin API for fault
injection.  Run it with ``python -m sandbox.railway --help`` from the repository root.

Only the standard library and graphql-core are used.  Nothing in ``plugins/`` imports this package.
"""

__all__ = []
