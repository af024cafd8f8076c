"""Tight: a microframework for REST services on AWS Lambda.

Importing `tight` costs nothing: the runtime modules are imported by name when used.
"""

__version__ = "0.2.0"

if __name__ != "tight":  # run as `app.vendored.tight`: tight/vendored_alias.py tells why
    import os as _os
    import sys as _sys

    _folder = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    if "tight" not in _sys.modules and _folder not in _sys.path:
        _sys.path.insert(0, _folder)
    import tight.vendored_alias

    tight.vendored_alias.install(__name__)
    _sys.modules[__name__] = _sys.modules["tight"]
