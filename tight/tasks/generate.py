"""`invoke generate-function NAME` and `invoke generate-model NAME`: scaffolding inside an app.

Both render Tight's cookiecutter templates (templates/function, templates/model) so the user
never meets cookiecutter's output flags. A template is rendered into a scratch folder first
and its files are written into the app only when all of them rendered, none of them exists
yet, and every write succeeded: a bad name, a clash or a crash leaves the app as it was.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType

from invoke import task

import tight
from tight.tasks.config import AppConfig, load_config
from tight.tasks.errors import TaskError, os_error_fix
from tight.tasks.files import read_utf8, write_atomic

TEMPLATES_ENV = "TIGHT_TEMPLATES_DIR"
DISTRIBUTION = "tight-lambda"  # PyPI's `tight` is an unrelated 2017 release
TEMPLATE_NAMES = ("app", "function", "model")
SUCCESS = "Successfully generated function and tests!"
MODEL_PACKAGES = ("flywheel", "dynamo3")
MODEL_PINS_FALLBACK = ("flywheel==0.5.4", "dynamo3==0.4.10")


def templates_dir() -> Path:
    """Where Tight's templates are: $TIGHT_TEMPLATES_DIR, inside the installed package
    (`tight/templates`, in a wheel), or beside it in a source checkout or editable install."""
    package = Path(tight.__file__).resolve().parent
    override = os.environ.get(TEMPLATES_ENV)
    candidates = (
        [Path(override)] if override else [package / "templates", package.parent / "templates"]
    )
    for candidate in candidates:
        if all((candidate / name / "cookiecutter.json").is_file() for name in TEMPLATE_NAMES):
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise TaskError(
        f"Tight's templates (app, function, model) are not in {looked}",
        f"reinstall tight, or set {TEMPLATES_ENV} to the `templates` folder of a Tight checkout",
    )


def load_name_rules(templates: Path) -> ModuleType:
    """The name check the template hooks run (templates/_shared/tight_names.py), loaded by
    path: one set of rules for `cookiecutter` users and for these tasks."""
    path = templates / "_shared" / "tight_names.py"
    spec = importlib.util.spec_from_file_location("_tight_template_names", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise TaskError(f"{path} is missing", "reinstall tight: its templates are incomplete")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_name(templates: Path, value: str, kind: str) -> None:
    rules = load_name_rules(templates)
    try:
        rules.check_name(value, kind)
    except rules.NameError_ as exc:
        raise TaskError(str(exc)) from None


# The function and model templates render into a top folder named by `app_name`; the files
# are moved into the app by their path *below* it, so its value is never the app's own name.
APP_PLACEHOLDER = "app_root"
_JINJA_MARKUP = re.compile(r"{[{%#]|[}%#]}")


def as_template_data(context: dict[str, str]) -> dict[str, str]:
    """cookiecutter renders every context value as a Jinja template (unsandboxed: it can run
    code), so a value that holds Jinja markup is refused instead of evaluated. The names that
    reach here are checked identifiers; this guards the rule for any value added later."""
    for key, value in context.items():
        if _JINJA_MARKUP.search(value):
            raise TaskError(
                f"{key} {value!r} contains template markup ({{{{, {{%, {{#)",
                "use a name made of letters, digits and _",
            )
    return context


@contextmanager
def rendered(template: Path, context: dict[str, str]) -> Iterator[dict[Path, Path]]:
    """Render `template` into a scratch folder; yields {path inside the app: rendered file}.

    The app folder's name is never part of the context, nor of any path cookiecutter sees: it
    is whatever the user named a folder, and cookiecutter evaluates its context values and the
    paths it creates (output folder included) as templates. So the scratch folder is in the
    system's temp folder, not inside the app."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    context = as_template_data({**context, "app_name": APP_PLACEHOLDER})
    scratch = Path(tempfile.mkdtemp(prefix="tight-generate-"))
    if _JINJA_MARKUP.search(str(scratch)):
        shutil.rmtree(scratch, ignore_errors=True)
        raise TaskError(
            f"the temp folder {scratch} contains template markup ({{{{, {{%, {{#)",
            "set TMPDIR to a plain folder such as /tmp",
        )
    try:
        # A private config: no ~/.cookiecutterrc defaults, no replay files in the home folder.
        config = {
            "cookiecutters_dir": str(scratch / "cookiecutters"),
            "replay_dir": str(scratch / "replay"),
        }
        try:
            project = Path(
                cookiecutter(
                    str(template),
                    no_input=True,
                    extra_context=context,
                    output_dir=str(scratch / "out"),
                    default_config=config,
                )
            )
        except CookiecutterException as exc:
            raise TaskError(
                f"rendering {template.name} failed: {exc}", "see the error printed above"
            ) from exc
        # An installed Tight may hold byte code of its templates (pip compiles every .py
        # file, these included): never copy it into the app.
        yield {
            Path(folder, name).relative_to(project): Path(folder, name)
            for folder, _, names in os.walk(project)
            for name in names
            if "__pycache__" not in Path(folder).parts and not name.endswith(".pyc")
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def install(files: dict[Path, Path], root: Path) -> list[Path]:
    """Write rendered files into the app, all or none; refuse to replace any existing file."""
    clashes = sorted(str(rel) for rel in files if (root / rel).exists())
    if clashes:
        raise TaskError(
            "refusing to overwrite " + ", ".join(clashes),
            "pick another name, or move those files away first",
        )
    made_dirs: list[Path] = []
    moved: list[Path] = []
    try:
        for rel, source in sorted(files.items()):
            target = root / rel
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.extend(reversed(missing))
            write_atomic(target, source.read_bytes())
            moved.append(target)
    except OSError as exc:
        for target in reversed(moved):
            target.unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            with suppress(OSError):
                folder.rmdir()
        raise TaskError(
            f"could not write {exc.filename}: {exc.strerror}", os_error_fix(exc)
        ) from exc
    return sorted(moved)


def run_tests(root: Path, paths: list[Path]) -> int:
    """Run the given tests with this Python's pytest in a subprocess, output to the terminal."""
    command = [sys.executable, "-m", "pytest", *(str(p.relative_to(root)) for p in paths)]
    return subprocess.call(command, cwd=root)


@task(
    help={
        "name": "the function's name, lower snake case (e.g. my_function)",
        "skip_tests": "only write the files; do not run the new tests",
    }
)
def generate_function(c, name, skip_tests=False):  # type: ignore[no-untyped-def]
    """Generate app/functions/NAME and its unit and integration tests, then run them."""
    config = load_config()
    templates = templates_dir()
    check_name(templates, name, "function")
    existing = config.functions_dir / name
    if existing.exists():
        raise TaskError(
            f"function {name!r} already exists at {_show(existing, config)}",
            "pick another name; generate-function never overwrites a function",
        )
    with rendered(templates / "function", {"function_name": name}) as files:
        written = install(files, config.root)
    for path in written:
        print(f"  created {_show(path, config)}")
    if skip_tests:
        return
    tests = [config.root / "tests" / "functions" / kind / name for kind in ("unit", "integration")]
    code = run_tests(config.root, tests)
    if code != 0:
        raise TaskError(
            f"the new tests of {name!r} failed (pytest exit code {code}); the files are kept",
            "see pytest's output above",
            code=code,
        )
    print(SUCCESS)


@task(help={"name": "the model's name, lower snake case (account -> app/models/Account.py)"})
def generate_model(c, name):  # type: ignore[no-untyped-def]
    """Generate app/models/<Name>.py: a flywheel model with table <NAME>-<STAGE>-<names>."""
    config = load_config()
    templates = templates_dir()
    check_name(templates, name, "model")
    rules = load_name_rules(templates)
    class_name = rules.model_class_name(name)
    target = config.models_dir / f"{class_name}.py"
    if target.exists():
        raise TaskError(
            f"model {class_name} already exists at {_show(target, config)}",
            "pick another name; generate-model never overwrites a model",
        )
    read_utf8(config.root / "requirements-vendor.txt", missing_ok=True)  # fail before writing
    with rendered(templates / "model", {"model_name": name}) as files:
        written = install(files, config.root)
    for path in written:
        print(f"  created {_show(path, config)}")
    print(f"Model {class_name}: table <NAME>-<STAGE>-{rules.table_suffix(name)}")
    added = add_vendor_requirements(config.root / "requirements-vendor.txt", model_pins())
    if added:
        print(f"  added {', '.join(added)} to requirements-vendor.txt (models ship with flywheel)")


def model_pins() -> list[str]:
    """flywheel and dynamo3 as tight-lambda[dev] pins them (one source of truth: its metadata)."""
    try:
        requirements = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        requirements = []
    pins = [
        spec
        for spec in (r.split(";")[0].strip() for r in requirements)
        if _requirement_name(spec) in MODEL_PACKAGES
    ]
    return sorted(set(pins)) or list(MODEL_PINS_FALLBACK)


def add_vendor_requirements(path: Path, pins: list[str]) -> list[str]:
    """Append the pins whose package is not listed yet; atomic, and a missing file is created."""
    text = read_utf8(path, missing_ok=True)
    listed = {_requirement_name(line) for line in text.splitlines()}
    added = [pin for pin in pins if _requirement_name(pin) not in listed]
    if not added:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    write_atomic(path, text + "".join(f"{pin}\n" for pin in added))
    return added


def _requirement_name(line: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#")[0])
    return match.group(1).lower().replace("_", "-") if match else ""


def _show(path: Path, config: AppConfig) -> str:
    try:
        return str(path.relative_to(config.root))
    except ValueError:
        return str(path)
