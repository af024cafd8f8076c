"""Make `app.vendored.tight.X` and `tight.X` the same module objects.

The original Tight's `app_index.py` imports `app.vendored.tight.providers.aws.lambda_app`,
while handlers import `tight.providers...`. Python would load the files twice, with two separate
controller registries. `install(alias)` puts a finder first on `sys.meta_path` that answers
`alias` and every `alias.<sub>` with the canonical `tight` / `tight.<sub>` module. The generated
`app/__init__.py` installs it (so the original Tight's line works whether tight is vendored or
only pip-installed); `tight/__init__.py` installs it too when it is itself imported under an alias.
"""

import importlib
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

VENDORED_ALIAS = "app.vendored.tight"


class _AliasLoader:
    """Hands out the canonical module instead of executing the file a second time."""

    def __init__(self, canonical: str) -> None:
        self.canonical = canonical
        self.spec: ModuleSpec | None = None

    def create_module(self, spec: ModuleSpec) -> "ModuleType":
        module = importlib.import_module(self.canonical)
        self.spec = module.__spec__
        return module

    def exec_module(self, module: "ModuleType") -> None:
        # The import system stamped the alias spec on the shared module: restore its own.
        module.__spec__ = self.spec


class _AliasFinder:
    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.prefix = alias + "."

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname == self.alias:
            canonical = "tight"
        elif fullname.startswith(self.prefix):
            canonical = "tight." + fullname[len(self.prefix) :]
        else:
            return None
        return ModuleSpec(fullname, _AliasLoader(canonical), is_package=True)


def install(alias: str = VENDORED_ALIAS) -> None:
    """Resolve `alias` and `alias.*` to `tight` and `tight.*` from now on (idempotent)."""
    if not any(getattr(f, "alias", None) == alias for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder(alias))
    if alias not in sys.modules and "tight" in sys.modules:
        sys.modules[alias] = sys.modules["tight"]
