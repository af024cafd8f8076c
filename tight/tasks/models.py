"""Find an app's flywheel models: every module in `app/models`, imported with env.yml loaded.

Tasks (rundb, generateschema) and the DynamoDB Local fixture derive tables from these
classes, so a model that cannot be imported stops them with its file and error named.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from tight.tasks.config import app_environment, apply_env
from tight.tasks.errors import TaskError


def discover_models(app_root: str | Path, *, load_env: bool = True) -> list[type[Any]]:
    """The concrete flywheel Model subclasses defined in `<app_root>/app/models/*.py`.

    Sorted by table name. NAME and STAGE come from env.yml (or env.dist.yml) unless the
    shell already set them, exactly as the app sees them at runtime.
    """
    from flywheel import Model

    root = Path(app_root).resolve()
    models_dir = root / "app" / "models"
    if not models_dir.is_dir():
        return []
    if load_env:
        apply_env(app_environment(root))
    _use_app(root)
    found: dict[int, type[Any]] = {}
    for path in sorted(models_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = _import_model_module(root, path)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Model)
                and value is not Model
                and value.__module__ == module.__name__
                and not _is_abstract(value)
            ):
                found[id(value)] = value
    return sorted(found.values(), key=lambda m: (m.meta_.ddb_tablename(), m.__name__))


def _is_abstract(model: type[Any]) -> bool:
    return bool(model.meta_.abstract or model.__dict__.get("__abstract__"))


def _use_app(root: Path) -> None:
    """Make `import app...` mean this app (forgetting another app imported earlier)."""
    loaded = sys.modules.get("app")
    loaded_file = getattr(loaded, "__file__", None) or ""
    if loaded is not None and not Path(loaded_file).resolve().is_relative_to(root):
        for name in [n for n in sys.modules if n == "app" or n.startswith("app.")]:
            del sys.modules[name]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()


def _import_model_module(root: Path, path: Path) -> Any:
    name = f"app.models.{path.stem}"
    try:
        if (root / "app" / "__init__.py").is_file():
            importlib.import_module("app")  # the original Tight's app/__init__.py sets up sys.path
        return importlib.import_module(name)
    except (Exception, SystemExit) as exc:
        hint = "fix the error in that file"
        if isinstance(exc, KeyError) and str(exc).strip("'\"") in {"NAME", "STAGE"}:
            hint = f"define {exc} in env.yml (copy env.dist.yml) or export it"
        raise TaskError(
            f"model module {path.relative_to(root)} failed to import: {type(exc).__name__}: {exc}",
            hint,
        ) from exc
