"""Which function answers a path: `functions.<name>.path` and `<path>/{proxy+}`, as deployed.

The routes come from `tight.tasks.deploy.functions.load_functions`, the very function
`invoke template` uses, so the local server and the deployed API cannot disagree about paths.
"""

from __future__ import annotations

from dataclasses import dataclass

from tight.tasks.config import AppConfig
from tight.tasks.deploy.functions import load_functions
from tight.tasks.deploy.stack import Function


@dataclass(frozen=True)
class Match:
    """The function a request reaches, the resource API Gateway matched, its path parameters."""

    function: Function
    resource: str
    path_parameters: dict[str, str] | None


def load_routes(config: AppConfig) -> list[Function]:
    """The functions with their paths, longest path first (the most specific route wins)."""
    return sorted(load_functions(config), key=lambda f: len(f.path.rstrip("/")), reverse=True)


def match(routes: list[Function], path: str) -> Match | None:
    """The route for `path`: an exact path first, else the longest `{proxy+}` prefix.

    A trailing slash reaches the same resource (`/accounts/` is `/accounts`); `{proxy+}`
    needs at least one character after the prefix, as in API Gateway.
    """
    trimmed = path.rstrip("/") or "/"
    for function in routes:
        if trimmed == (function.path.rstrip("/") or "/"):
            return Match(function, function.path, None)
    for function in routes:
        prefix = function.path.rstrip("/") + "/"
        if path.startswith(prefix) and len(path) > len(prefix):
            return Match(function, function.proxy_path, {"proxy": path[len(prefix) :]})
    return None
