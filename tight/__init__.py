"""Tight: a microframework for REST services on AWS Lambda.

Importing `tight` costs nothing: the runtime modules are imported by name when used.
The seed's entry line `from app.vendored.tight... import app` imports this package under a
second name; `_alias` makes every such name resolve to the one canonical `tight` modules, so
handlers that `import tight...` share the same controller registry.
"""

__version__ = "0.2.0"

if __name__ != "tight":  # imported as e.g. `app.vendored.tight`
    from ._alias import alias_package

    alias_package(__name__)
