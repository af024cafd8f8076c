"""Write every side's app into its own folder, ready to be imported by a fresh process.

Each variant gets a folder of its own because Tight apps all use the module names `app_index`
and `app`; the folder also holds `_bench_event_data.py`, the events as Python literals, so the
cold-start child can load them without importing json (which the bare handler must pay for).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from bench import events, shipped, sides

EVENT_MODULE = "_bench_event_data"

SIDE_LABELS = {
    "bare": "bare handler",
    "tight": "Tight",
    "powertools": "Powertools APIGatewayRestResolver",
    "chalice": "Chalice",
}
PEER_PACKAGES = {"powertools": "aws-lambda-powertools", "chalice": "chalice"}
PEER_MODULES = {"powertools": "aws_lambda_powertools", "chalice": "chalice"}


@dataclass(frozen=True)
class Variant:
    """One side with one number of routes, written to `root`."""

    side: str
    routes: int
    root: Path
    module: str
    handler: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.side}-{self.routes}"


def side_label(side: str) -> str:
    """Human name of a side, with the installed version of a peer."""
    label = SIDE_LABELS[side]
    if side in PEER_PACKAGES:
        label += " " + importlib.metadata.version(PEER_PACKAGES[side])
    return label


def missing_peers() -> list[str]:
    return [side for side, module in PEER_MODULES.items() if not importlib.util.find_spec(module)]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def _event_module(path: str) -> str:
    return (
        f"GET_EVENT = {events.get_event(path)!r}\n"
        f"POST_EVENT = {events.post_event(path)!r}\n"
        f"{events.CONTEXT_SOURCE}"
    )


def build_variants(workdir: Path, route_counts: tuple[int, ...], peers: list[str]) -> list[Variant]:
    """Write the bare handler once, then Tight and each peer in `peers` for every route count."""
    variants: list[Variant] = []

    def add(side: str, routes: int, files: dict[str, str], module: str, handler: str) -> Path:
        root = workdir / f"{side}-{routes}"
        path = "/" + sides.route_names(routes)[-1]
        _write(root, {**files, f"{EVENT_MODULE}.py": _event_module(path)})
        variants.append(Variant(side, routes, root, module, handler, path))
        return root

    add("bare", 1, sides.bare_files(), "bare_handler", "handler")
    for routes in route_counts:
        root = add(
            "tight", routes, sides.tight_files(routes), "app_index", sides.route_names(routes)[-1]
        )
        shipped.vendor_tight(root / "app" / "vendored")
        shipped.compile_app(root)
        if "powertools" in peers:
            add("powertools", routes, sides.powertools_files(routes), "powertools_app", "handler")
        if "chalice" in peers:
            add("chalice", routes, sides.chalice_files(routes), "chalice_app", "app")
    return variants
