"""The one name check shared by every Tight template hook and by `invoke generate-*`.

Names become Python modules (`app.functions.<name>`, `app/models/<Class>.py`) and AWS
resource names (`my-service`, `my-service-dev-accounts`), so a bad one breaks much later
and far away. Checking it before anything is written keeps that failure here, with the fix.
Standard library only: cookiecutter runs hooks with whatever Python it was installed into.
"""

from __future__ import annotations

import keyword
import os
import re
import sys
import sysconfig

LOWER_SNAKE = re.compile(r"[a-z][a-z0-9_]*\Z")
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# Lambda function names are at most 64 characters (Serverless names them
# <service>-<stage>-<function>), and names also become file names (test_integration_<name>.py,
# at most 255 bytes) and DynamoDB tables (<NAME>-<STAGE>-<names>, at most 255).
MAX_LENGTH = 64

# Names the app itself, or Tight, already uses on the import path or on `app_index`.
RESERVED = frozenset(
    {
        "tight",
        "app",
        "app_index",
        "conftest",
        "tasks",
        "tests",
        "vendored",
        "lib",
        "models",
        "serializers",
        "functions",
        "run",
        "create",
        "collect_controllers",
        "handler",
    }
)

EXAMPLES = {"app": "my_service", "function": "my_function", "model": "account"}


class NameError_(ValueError):
    """A name that cannot be used; str() is the message shown to the user."""


def stdlib_module_names() -> frozenset[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return frozenset(names)
    stdlib = sysconfig.get_paths()["stdlib"]  # Python < 3.10 running cookiecutter
    found = {os.path.splitext(entry)[0] for entry in os.listdir(stdlib)}
    return frozenset(found | set(sys.builtin_module_names))


def suggestion(value: str, kind: str) -> str:
    """A valid name close to `value` (`My-Service` -> `my_service`), else the kind's example."""
    guess = re.sub(r"[^0-9a-zA-Z]+", "_", value).strip("_").lower()
    guess = re.sub(r"^[0-9_]+", "", guess)
    try:
        if guess and guess != value:
            check_name(guess, kind)
            return guess
    except NameError_:
        pass
    return EXAMPLES[kind]


def check_name(value: str, kind: str) -> str:
    """Return `value` if it can name an app, function or model; raise NameError_ otherwise."""
    label = f"{kind} name"
    pattern = IDENTIFIER if kind == "app" else LOWER_SNAKE
    rule = (
        "a Python identifier (ASCII letters, digits, _; starting with a letter)"
        if kind == "app"
        else "lower snake case (a-z, 0-9, _; starting with a letter)"
    )
    problem = None
    if len(value) > MAX_LENGTH:
        shown = value[:20] + "..."
        raise NameError_(
            f"{label} {shown!r} is {len(value)} characters long; use at most {MAX_LENGTH} "
            f"characters, such as {EXAMPLES[kind]!r}"
        )
    if not pattern.match(value):
        problem = f"is not {rule}"
    elif keyword.iskeyword(value) or keyword.issoftkeyword(value):
        problem = "is a Python keyword"
    elif value in stdlib_module_names():
        problem = f"would shadow the standard library module `{value}`"
    elif value.lower() in RESERVED:
        problem = "would shadow a Tight module or a name the app already uses"
    elif kind == "model" and model_class_name(value) in stdlib_module_names():
        problem = f"would shadow the standard library module `{model_class_name(value)}`"
    if problem:
        raise NameError_(
            f"{label} {value!r} {problem}; use a name such as {suggestion(value, kind)!r}"
        )
    return value


def model_class_name(model_name: str) -> str:
    """`account` -> `Account`, `user_profile` -> `UserProfile` (also the module's file name)."""
    return "".join(part[:1].upper() + part[1:] for part in model_name.split("_"))


def table_suffix(model_name: str) -> str:
    """`account` -> `accounts`, `category` -> `categories`, `user_profile` -> `user-profiles`."""
    model_name = model_name.replace("_", "-")
    if model_name.endswith("y") and model_name[-2:-1] not in ("a", "e", "i", "o", "u"):
        return model_name[:-1] + "ies"
    if model_name.endswith(("s", "x", "z", "ch", "sh")):
        return model_name + "es"
    return model_name + "s"


def hook_main(context: dict) -> None:
    """A pre-generation hook: check each variable named in the template's `_tight_names`;
    on a bad one print the message on stderr and exit 1, so cookiecutter writes nothing."""
    try:
        for variable, kind in context["_tight_names"].items():
            check_name(str(context[variable]), kind)
    except NameError_ as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(1) from None
