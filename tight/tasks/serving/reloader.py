"""The app's code, imported afresh whenever one of its source files changes.

Before each request the server asks `AppReloader.current()`: it compares the modification
times of the app's own Python files (app/ without app/vendored, app_index.py) and tight.yml
with those of the last import; on any change it forgets the app's modules (the test kit's
`forget_app_modules`), re-reads the routes and imports `app_index` again, as a new Lambda
instance would. Vendored packages stay loaded: they only change with `invoke pip-install`.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tight.tasks.config import CONFIG_FILE, load_config
from tight.tasks.deploy.stack import Function
from tight.tasks.serving.routes import load_routes

log = logging.getLogger("tight.serve")


@dataclass(frozen=True)
class LoadedApp:
    """What one import of the app gave: its entry module and routes, or why it failed."""

    module: ModuleType | None
    routes: list[Function]
    error: str | None = None


class AppReloader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._snapshot: dict[str, int] | None = None
        self._loaded = LoadedApp(None, [], "not loaded yet")
        self.loads = 0

    def scan(self) -> dict[str, int]:
        """Every watched file with its mtime in ns; new and deleted files count as changes."""
        files: dict[str, int] = {}
        for single in (self.root / "app_index.py", self.root / CONFIG_FILE):
            with contextlib.suppress(FileNotFoundError):
                files[str(single)] = single.stat().st_mtime_ns
        app_dir = self.root / "app"
        vendored = str(app_dir / "vendored")
        for folder, dirs, names in os.walk(app_dir):
            dirs[:] = [
                d
                for d in dirs
                if d != "__pycache__"
                and not d.startswith(".")
                and os.path.join(folder, d) != vendored
            ]
            for name in names:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    with contextlib.suppress(FileNotFoundError):
                        files[path] = os.stat(path).st_mtime_ns
        return files

    def current(self) -> LoadedApp:
        """The app as its files are now; imports it again if anything changed."""
        snapshot = self.scan()
        if snapshot != self._snapshot:
            changed = _changed(self._snapshot or {}, snapshot)
            if self._snapshot is not None:
                shown = ", ".join(os.path.relpath(p, self.root) for p in changed[:3])
                more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
                log.info(f"reloading the app: {shown}{more} changed")
            self._drop_stale_bytecode(changed)
            self._loaded = self._load()
            self._snapshot = snapshot
            self.loads += 1
        return self._loaded

    def _load(self) -> LoadedApp:
        from tight.providers.aws.controllers import lambda_proxy_event
        from tight.providers.aws.lambda_app.app import collect_controllers
        from tight.testing.app_loader import forget_app_modules

        forgotten = forget_app_modules(self.root)
        # The decorators register handlers per module name: a reloaded handler.py must not
        # keep the routes of a method it no longer defines.
        for name in forgotten:
            lambda_proxy_event._routes.pop(name, None)
        if str(self.root) not in sys.path:
            sys.path.insert(0, str(self.root))
        try:
            routes = load_routes(load_config(self.root))
            module = importlib.import_module("app_index")
            collect_controllers(str(self.root), module)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # an app calling sys.exit() at import is reported too
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.error("cannot load the app: %s", message, exc_info=not hasattr(exc, "message"))
            return LoadedApp(None, [], message)
        return LoadedApp(module, routes)

    def _drop_stale_bytecode(self, changed: list[str]) -> None:
        """A file rewritten within the same second with the same size would otherwise be
        served from its old `.pyc` (CPython checks the mtime in whole seconds)."""
        for path in changed:
            if path.endswith(".py"):
                with contextlib.suppress(FileNotFoundError, NotImplementedError, ValueError):
                    os.remove(importlib.util.cache_from_source(path))


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    keys = set(before) | set(after)
    return sorted(k for k in keys if before.get(k) != after.get(k))
