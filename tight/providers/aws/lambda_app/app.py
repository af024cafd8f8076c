"""The app entry: `app_index.<controller>(event, context)` for every `app/functions/<controller>/`.

    # app_index.py
    from app.vendored.tight.providers.aws.lambda_app import app as app
    app.run()

`run()` lists the controller folders (a directory scan, nothing imported) and puts one small
function per controller on the entry module. A controller's `handler.py` is imported on its
first event, so a cold start costs the same with 1 controller or 50.
"""

import importlib
import keyword
import os
import sys

from tight.providers.aws.controllers import lambda_proxy_event
from tight.providers.aws.controllers.response import error_response

FUNCTIONS_DIR = os.path.join("app", "functions")
HANDLER_FILE = "handler.py"
DEFAULT_ENTRY_MODULE = "app_index"

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs cold-start time
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    Controller = Callable[[dict, object], object]


class AppError(RuntimeError):
    """The app's layout or entry module cannot produce controllers; the message says why."""


def app_root(entry: "ModuleType | None" = None) -> str:
    """`TIGHT_APP_ROOT` if set, else the folder of the entry module (never the cwd)."""
    override = os.environ.get("TIGHT_APP_ROOT")
    if override:
        return os.path.abspath(override)
    if entry is None:
        entry = sys.modules.get(DEFAULT_ENTRY_MODULE)
    path = getattr(entry, "__file__", None)
    if not path:
        raise AppError(
            "cannot tell where the app lives: set TIGHT_APP_ROOT to the folder holding "
            "app/functions, or call run() from the app's app_index.py"
        )
    return os.path.dirname(os.path.abspath(path))


def collect_controllers(root: str | None = None) -> list[str]:
    """Sorted names of the folders under `<root>/app/functions` that hold a `handler.py`."""
    root = root or app_root()
    functions = os.path.join(root, FUNCTIONS_DIR)
    try:
        entries = list(os.scandir(functions))
    except FileNotFoundError:
        raise AppError(
            f"no {FUNCTIONS_DIR} folder in {root}: the app root must hold app/functions/ "
            "(set TIGHT_APP_ROOT if the entry module lives elsewhere)"
        ) from None
    names = sorted(
        entry.name
        for entry in entries
        if entry.is_dir() and os.path.isfile(os.path.join(entry.path, HANDLER_FILE))
    )
    _check_names(names, functions)
    return names


def _check_names(names: list[str], functions: str) -> None:
    seen: dict[str, str] = {}
    for name in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            fixed = "_".join(part for part in _split_words(name) if part) or "my_function"
            raise AppError(
                f"controller folder {os.path.join(functions, name)!r}: {name!r} is not a valid "
                f"Python identifier, so app_index.{name} cannot exist; rename it (e.g. {fixed!r})"
            )
        clash = seen.get(name.lower())
        if clash is not None:
            raise AppError(
                f"controllers {clash!r} and {name!r} in {functions} differ only in case: they "
                "would be the same folder on macOS and Windows; rename one of them"
            )
        seen[name.lower()] = name


def _split_words(name: str) -> list[str]:
    word = "".join(ch if ch.isalnum() else " " for ch in name).lower().split()
    if word and word[0][0].isdigit():
        word.insert(0, "f")
    return word


def make_controller(name: str, module_path: str) -> "Controller":
    """`controller(event, context)`: imports `module_path` on first use, then dispatches."""
    dispatch = lambda_proxy_event.dispatch
    routes: dict | None = None
    plain_handler: Controller | None = None

    def controller(event: dict, context: object = None) -> object:
        if routes is not None:
            return dispatch(routes, event, context)
        return first_call(event, context)

    def first_call(event: dict, context: object) -> object:
        nonlocal routes, plain_handler
        if plain_handler is None:
            try:
                routes, plain_handler = _load(module_path)
            except Exception:  # a broken handler.py answers 500 and is retried next event
                from tight.core import logger

                logger.exception(f"cannot load controller {name!r} from {module_path}")
                request_id = getattr(context, "aws_request_id", None)
                return error_response(500, "Internal server error", requestId=request_id)
        if routes is not None:
            return dispatch(routes, event, context)
        return plain_handler(event, context)  # type: ignore[misc]

    controller.__name__ = controller.__qualname__ = name
    controller.__doc__ = f"Lambda handler for {module_path} (imported on the first event)."
    controller.tight_module = module_path  # type: ignore[attr-defined]
    return controller


def _load(module_path: str) -> "tuple[dict | None, Controller | None]":
    """(routes, None) for a Tight controller, (None, handler) for a plain Lambda handler."""
    module = importlib.import_module(module_path)
    routes = lambda_proxy_event.routes_for(module_path)
    if routes is not None:
        return routes, None
    handler = getattr(module, "handler", None)
    if callable(handler):
        return None, handler
    raise AppError(
        f"{module_path} defines no handler: decorate functions with @lambda_proxy.get, "
        "@lambda_proxy.post, ... (import tight.providers.aws.controllers.lambda_proxy_event "
        "as lambda_proxy), or define handler(event, context)"
    )


def create(current_module: "ModuleType", root: str | None = None) -> list[str]:
    """Attach one controller function per `app/functions/<name>/handler.py` to the module."""
    root = root or app_root(current_module)
    names = collect_controllers(root)
    if root not in sys.path:
        sys.path.insert(0, root)  # so `app.functions.<name>.handler` imports from this app
    for name in names:
        existing = getattr(current_module, name, None)
        if existing is not None and not hasattr(existing, "tight_module"):
            raise AppError(
                f"controller {name!r} would replace {current_module.__name__}.{name} "
                f"({type(existing).__name__}); rename app/functions/{name}"
            )
        setattr(current_module, name, make_controller(name, f"app.functions.{name}.handler"))
    return names


def run(module_name: str | None = None) -> list[str]:
    """`create()` on the entry module: the caller's module, or `module_name` if given."""
    if module_name is None:
        module_name = sys._getframe(1).f_globals.get("__name__", DEFAULT_ENTRY_MODULE)
    module = sys.modules.get(module_name)  # type: ignore[arg-type]
    if module is None:
        raise AppError(
            f"run() cannot find the entry module {module_name!r} in sys.modules: call "
            "app.run() at the top level of app_index.py, or pass run('your_entry_module')"
        )
    try:
        return create(module)
    except AppError:
        raise
    except Exception as exc:
        raise AppError(f"could not create the controllers of {module_name}: {exc}") from exc
