"""Serializers: one per file, named like its file (AccountSerializer.py defines AccountSerializer).

`from app.serializers import X` works for every X.py here and imports only that file, on first use.
"""

import importlib
import os

_here = os.path.dirname(os.path.realpath(__file__))


def _names():
    return sorted(
        entry[:-3]
        for entry in os.listdir(_here)
        if entry.endswith(".py") and not entry.startswith("_")
    )


def __getattr__(name):
    if name == "__all__":
        return _names()
    if name.startswith("_") or not os.path.isfile(os.path.join(_here, name + ".py")):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Imported by its own name (this folder is on sys.path): `from X import X` elsewhere
    # then gets the very same class, not a second copy.
    value = getattr(importlib.import_module(name), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_names()))
