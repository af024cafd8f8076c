"""Make `<prefix>.tight.X` and `tight.X` the same module objects.

The seed's `app_index.py` imports `app.vendored.tight.providers.aws.lambda_app.app`, while
handlers import `tight.providers...`. Python would load the files twice, with two separate
controller registries. When the package is first imported under a prefixed name, this puts
the canonical `tight` in its place and installs a finder that answers every
`<prefix>.tight.<sub>` import with the already-canonical `tight.<sub>` module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
from types import ModuleType


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, canonical: str) -> None:
        self.canonical = canonical

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.canonical)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias spec on the shared module: restore its own.
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def __init__(self, alias: str) -> None:
        self.prefix = alias + "."

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if not fullname.startswith(self.prefix):
            return None
        canonical = "tight." + fullname[len(self.prefix) :]
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(canonical))


def alias_package(alias: str) -> None:
    """Replace the package imported as `alias` by the canonical `tight` package."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    parent = os.path.dirname(package_dir)
    if "tight" not in sys.modules and parent not in sys.path:
        # Vendored copy whose folder is not on sys.path yet: make `tight` importable from it.
        sys.path.insert(0, parent)
    canonical = importlib.import_module("tight")
    if not any(isinstance(f, _AliasFinder) and f.prefix == alias + "." for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder(alias))
    sys.modules[alias] = canonical
