"""The app entry: `app_index.<controller>(event, context)` for every `app/functions/<controller>/`.

    # app_index.py
    from app.vendored.tight.providers.aws.lambda_app import app as app
    app.run()

`run()` makes `app_index.<controller>` resolve for every `app/functions/<controller>/`: the
folder is checked when Lambda first reads the attribute (nothing is scanned at import), and the
controller's `handler.py` is imported on its first event, so a cold start costs the same with
1 controller or 50.
"""

import gc
import importlib
import keyword
import os
import sys

from tight.providers.aws.controllers import lambda_proxy_event
from tight.providers.aws.controllers.response import error_response

FUNCTIONS_DIR = os.path.join("app", "functions")
HANDLER_FILE = "handler.py"
DEFAULT_ENTRY_MODULE = "app_index"
CONFIG_FILE = "tight.yml"
DEFER_GC_KEY = "defer_gc"
_gc_deferred = False

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


def collect_controllers(root: str | None = None, module: "ModuleType | None" = None) -> list[str]:
    """Sorted names of the folders under `<root>/app/functions` that hold a `handler.py`.

    Raises AppError for a name that cannot be a controller: not an identifier, a keyword,
    two names differing only in case, or (given the entry `module`) a name it already uses.
    """
    root = root or app_root(module)
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
    for name in names if module is not None else ():
        existing = module.__dict__.get(name)
        if existing is not None and not hasattr(existing, "tight_module"):
            raise AppError(
                f"controller {name!r} would be hidden by {module.__name__}.{name} "
                f"({type(existing).__name__}); rename app/functions/{name}"
            )
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
        try:
            return first_call(event, context)
        finally:
            if _gc_deferred:
                resume_gc()

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


def create(current_module: "ModuleType", root: str | None = None) -> None:
    """Make `current_module.<name>` the controller of every `app/functions/<name>/handler.py`.

    Nothing is scanned here: a module `__getattr__` (PEP 562) checks the one folder asked for
    when Lambda first reads `app_index.<name>`, then caches the controller on the module. So a
    cold start costs the same with 1 controller or 50. `collect_controllers(root, module)`
    validates the whole layout; the test kit and the deploy tasks call it.
    """
    root = root or app_root(current_module)
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and gc_deferral_wanted(root):
        defer_gc()
    if root not in sys.path:
        sys.path.insert(0, root)  # so `app.functions.<name>.handler` imports from this app
    functions = os.path.join(root, FUNCTIONS_DIR)
    module_name = current_module.__name__
    fallback = current_module.__dict__.get("__getattr__")

    def __getattr__(name: str) -> "Controller":
        if _could_be_controller(name) and os.path.isfile(
            os.path.join(functions, name, HANDLER_FILE)
        ):
            controller = make_controller(name, f"app.functions.{name}.handler")
            setattr(current_module, name, controller)
            return controller
        if fallback is not None:
            return fallback(name)
        raise AttributeError(
            f"module {module_name!r} has no attribute {name!r}: there is no controller "
            f"{os.path.join(functions, name, HANDLER_FILE)}"
        )

    def __dir__() -> list[str]:
        return sorted(set(current_module.__dict__) | set(collect_controllers(root)))

    current_module.__getattr__ = __getattr__  # type: ignore[method-assign]
    current_module.__dir__ = __dir__  # type: ignore[method-assign]


def gc_deferral_wanted(root: str) -> bool:
    """False only when the app's tight.yml says `defer_gc: false` (or no/off).

    A line scan, not a YAML parser: the runtime imports nothing beyond the stdlib, and
    `invoke artifact` has already checked that the key, if present, is a boolean.
    """
    try:
        with open(os.path.join(root, CONFIG_FILE), encoding="utf-8") as config:
            for line in config:
                key, _, value = line.partition(":")
                if key == DEFER_GC_KEY:  # flags imported only for an app that sets the key
                    from tight.core.flags import parse_flag

                    return parse_flag(value.split("#", 1)[0].strip().strip("'\"")) is not False
    except OSError:
        pass
    return True


def defer_gc() -> None:
    """No cyclic garbage collection from here to the first answer (a Lambda init).

    Importing boto3, botocore and flywheel allocates hundreds of thousands of objects, which
    trigger full collections that find almost nothing to free (one pass costs ~19 ms of a
    DynamoDB controller's cold start). Reference counting still frees everything else.
    """
    global _gc_deferred
    if gc.isenabled():
        gc.disable()
        _gc_deferred = True


def resume_gc() -> None:
    """After the first answer: move what init built into the permanent generation
    (`gc.freeze()`: later collections no longer walk it), then collect as usual."""
    global _gc_deferred
    _gc_deferred = False
    gc.freeze()
    gc.enable()


def _could_be_controller(name: str) -> bool:
    """Cheap filter before touching the disk: dunders and tools' probes are never controllers."""
    return name[:1] != "_" and name.isidentifier() and not keyword.iskeyword(name)


def run(module_name: str | None = None) -> None:
    """`create()` on the entry module: the caller's module, or `module_name` if given."""
    if module_name is None:
        module_name = sys._getframe(1).f_globals.get("__name__", DEFAULT_ENTRY_MODULE)
    module = sys.modules.get(module_name)  # type: ignore[arg-type]
    if module is None:
        raise AppError(
            f"run() cannot find the entry module {module_name!r} in sys.modules: call "
            "app.run() at the top level of app_index.py, or pass run('your_entry_module')"
        )
    create(module)
