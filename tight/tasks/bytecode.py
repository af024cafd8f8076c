"""`.pyc` for the artifact, compiled by the target runtime's own CPython.

Lambda unpacks a zip into a read-only /var/task, so Python cannot cache bytecode there and
every cold start recompiles every module the zip does not carry compiled. `invoke artifact`
therefore ships `__pycache__/<name>.cpython-3XY.pyc` for the vendored packages (Tight
included), compiled with `--invalidation-mode unchecked-hash`: Python loads them without
looking at the source's mtime (zip extraction sets every mtime to 1980 anyway), and the bytes
depend only on the source, so the zip stays byte-for-byte the same from one build to the next.
Only the interpreter of tight.yml's `runtime` may compile them (bytecode is version-specific);
when it is missing the artifact is built without `.pyc` and the task says how to get it.
The app's own code (app_index.py, app/**) is what a user may still edit in Lambda's console:
its `.pyc` are `checked-hash`, so Python reads and hashes the source at import (cheaper than
compiling it) and recompiles an edited one in memory; an edit is never shadowed.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Runs in the target interpreter: reads [[source, archive name, output, checked]] on stdin.
_COMPILER = r"""
import json, py_compile, sys
mode = py_compile.PycInvalidationMode
failed = []
for source, name, output, checked in json.load(sys.stdin):
    try:
        py_compile.compile(source, cfile=output, dfile="/var/task/" + name, doraise=True,
                           invalidation_mode=mode.CHECKED_HASH if checked else mode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        failed.append(name)
print(json.dumps({"tag": sys.implementation.cache_tag, "failed": failed}))
"""


@dataclass(frozen=True)
class Compiled:
    """What `compile_shipped` added, or why it added nothing."""

    entries: list[tuple[str, Path]]
    python: str | None
    skipped: list[str]
    note: str | None = None


def find_python(version: str) -> str | None:
    """An interpreter for `3.X`: this one if it is 3.X, else `python3.X` on PATH, else pyenv's."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    for candidate in candidates:
        if candidate and _reports_version(candidate, version):
            return candidate
    return None


def _reports_version(python: str, version: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def how_to_get(version: str) -> str:
    return (
        f"no Python {version} found (tight.yml's runtime), so the artifact has no .pyc and "
        f"every cold start compiles the vendored code: install it (`pyenv install {version}`, "
        f"or your OS's python{version}) and build again"
    )


def pyc_name(archive_name: str, tag: str) -> str:
    folder, _, file = archive_name.rpartition("/")
    stem = file[: -len(".py")]
    return f"{folder}/__pycache__/{stem}.{tag}.pyc" if folder else f"__pycache__/{stem}.{tag}.pyc"


def compile_shipped(
    entries: list[tuple[str, Path]], vendor_prefix: str, version: str, staging: Path
) -> Compiled:
    """`.pyc` entries for every `.py`: unchecked-hash under `vendor_prefix` (e.g.
    `app/vendored/`), checked-hash for the app's own code."""
    sources = [(n, p) for n, p in entries if n.endswith(".py")]
    if not sources:
        return Compiled([], None, [])
    python = find_python(version)
    if python is None:
        return Compiled([], None, [], how_to_get(version))
    jobs = [
        [
            str(path),
            name,
            str(staging / name) + "c",
            not (vendor_prefix and name.startswith(vendor_prefix)),
        ]
        for name, path in sources
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [python, "-I", "-c", _COMPILER],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"compiling the shipped code with {python} failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = set(report["failed"])
    added = [
        (pyc_name(name, report["tag"]), staging / (name + "c"))
        for name, _ in sources
        if name not in failed
    ]
    return Compiled(added, python, sorted(failed))
