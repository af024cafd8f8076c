"""Packages whose every `X.py` defines `X` (the original Tight's app/models and app/serializers).

`from app.models import Account` then works for every `Account.py` in the folder, importing
only the file asked for, on first use: a cold start pays for no model it does not touch.
"""

import importlib
import os
import sys


def exports_by_file(package_name: str, package_file: str) -> tuple:
    """`__getattr__, __dir__ = exports_by_file(__name__, __file__)` in the package's __init__."""
    here = os.path.dirname(os.path.realpath(package_file))

    def names() -> list[str]:
        return sorted(
            entry[:-3]
            for entry in os.listdir(here)
            if entry.endswith(".py") and not entry.startswith("_")
        )

    def __getattr__(name: str) -> object:
        if name == "__all__":
            return names()
        if name.startswith("_") or not os.path.isfile(os.path.join(here, name + ".py")):
            raise AttributeError(f"module {package_name!r} has no attribute {name!r}")
        # Imported by its own name (the folder is on sys.path, as app/__init__.py sets it):
        # `from X import X` elsewhere then gets the very same class, not a second copy.
        value = getattr(importlib.import_module(name), name)
        setattr(sys.modules[package_name], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package_name])) | set(names()))

    return __getattr__, __dir__
