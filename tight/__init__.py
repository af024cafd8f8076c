"""Tight: a microframework for REST services on AWS Lambda.

Importing `tight` costs nothing: the runtime modules are imported by name when used.
The original Tight's entry line `from app.vendored.tight... import app` imports this package under a
second name; `tight.vendored_alias` makes every such name resolve to the one canonical `tight`
modules, so handlers that `import tight...` share the same controller registry.
"""

__version__ = "0.2.0"

if __name__ != "tight":  # imported under a vendored name such as `app.vendored.tight`
    import os as _os
    import sys as _sys

    _parent = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    if "tight" not in _sys.modules and _parent not in _sys.path:
        _sys.path.insert(0, _parent)  # a vendored copy whose folder is not on sys.path yet
    import tight.vendored_alias

    tight.vendored_alias.install(__name__)
    _sys.modules[__name__] = _sys.modules["tight"]
