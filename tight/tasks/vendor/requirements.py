"""requirements-vendor.txt, read the way pip reads it, but for Lambda's Python, not this one.

pip's `--python-version`/`--platform` choose wheels for the target, yet pip still evaluates
the environment markers of top-level requirements (`idna; python_version >= "3.12"`) against
the Python running it. So markers are evaluated here, with the `packaging` library, for
tight.yml's runtime and architecture, and pip only ever sees requirements that apply.
Also handled: `-r` includes (relative to the including file), `-c` constraints, `\\`
continuations, `--hash` options, local paths and `name @ file://` URLs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from tight.tasks.errors import TaskError
from tight.tasks.files import read_utf8
from tight.tasks.vendor.target import target_environment

REQUIREMENTS_FILE = "requirements-vendor.txt"
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=?\s*)(\S+)$")
_CONSTRAINT = re.compile(r"^(?:-c|--constraint)(?:\s*=?\s*)(\S+)$")
_HASH = re.compile(r"\s+--hash[=\s]\s*(\S+)")


@dataclass(frozen=True)
class Spec:
    """One requirement line: `text` as written (what the stamp and the file record), and
    `pip_text`, what pip is given (the marker evaluated here and removed)."""

    text: str
    local: Path | None = None
    pip_text: str = ""
    project: str | None = None
    marker: str | None = None
    hashes: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str | None:
        """The canonical project name of a name-based spec (`Foo[x]>=1` -> `foo`)."""
        return None if self.local is not None else self.project

    @property
    def key(self) -> str:
        """What makes two specs the same line of requirements-vendor.txt."""
        if self.local is not None:
            return str(self.local)
        return self.name or self.text

    @property
    def requirement(self) -> str:
        """What pip is given, without `--hash` options: one requirement, as pip's CLI takes it."""
        return _HASH.sub("", self.pip_text).strip()

    def applies_to(self, runtime: str, architecture: str) -> bool:
        """Whether the marker holds on Lambda (not on this machine)."""
        if self.marker is None:
            return True
        return Marker(self.marker).evaluate(target_environment(runtime, architecture))


def _split_marker(text: str) -> tuple[str, str | None]:
    """`../tight ; python_version >= "3.12"` -> (`../tight`, the marker), for paths, which
    packaging's Requirement does not parse."""
    if ";" not in text:
        return text, None
    body, marker = text.split(";", 1)
    try:
        return body.strip(), str(Marker(marker.strip()))
    except InvalidMarker:
        return text, None


def file_url_path(url: str) -> str:
    """`file:///my%20dir/tight` -> `/my dir/tight` (what `Path.as_uri()` writes, decoded);
    `file:../tight` -> `../tight`, relative to the file that lists it."""
    return url2pathname(urlsplit(url).path)


def parse_spec(text: str, base: Path) -> Spec:
    """One requirement (no `-r`): a name (`Foo[x]>=1; marker`), a URL, or a local path
    (`../tight`, `file:///x`, `name @ file:///x`, `dist.whl`)."""
    original = text.strip()
    body = original
    if body.startswith(("-e ", "--editable ")):
        body = body.split(None, 1)[1].strip()  # editable makes no sense inside a zip
    hashes = tuple(_HASH.findall(body))
    body = _HASH.sub("", body).strip()
    if body.startswith("-"):
        return Spec(original, pip_text=original)  # an option line: --index-url, --pre...
    hash_args = "".join(f" --hash={h}" for h in hashes)
    try:
        requirement = Requirement(body)
    except InvalidRequirement:
        requirement = None
    if requirement is not None and not (requirement.url or "").startswith("file:"):
        marker = str(requirement.marker) if requirement.marker else None
        requirement.marker = None
        return Spec(
            original,
            pip_text=str(requirement) + hash_args,
            project=canonicalize_name(requirement.name),
            marker=marker,
            hashes=hashes,
        )
    if requirement is not None:  # name @ file:///path
        marker = str(requirement.marker) if requirement.marker else None
        candidate = file_url_path(requirement.url or "")
        local = (base / candidate).resolve()
        return Spec(original, local, pip_text=str(local), marker=marker, hashes=hashes)
    candidate, marker = _split_marker(body)
    if "://" in candidate and not candidate.startswith("file:"):
        return Spec(original, pip_text=candidate + hash_args, marker=marker, hashes=hashes)
    if candidate.startswith("file:"):
        local = (base / file_url_path(candidate)).resolve()
        return Spec(original, local, pip_text=str(local), marker=marker, hashes=hashes)
    looks_like_path = candidate.startswith((".", "/", "~")) or candidate.endswith(
        (".whl", ".tar.gz", ".zip")
    )
    path = (base / os.path.expanduser(candidate)).resolve()
    if looks_like_path or ("/" in candidate and path.exists()):
        if not path.exists():
            raise TaskError(
                f"local requirement {original!r} points to {path}, which does not exist"
            )
        return Spec(original, path, pip_text=str(path), marker=marker, hashes=hashes)
    raise TaskError(
        f"{original!r} is not a requirement pip understands",
        "write one requirement per line, e.g. `flywheel==0.5.4`, `../my_lib` or "
        '`idna; python_version >= "3.12"`',
    )


def logical_lines(text: str) -> list[str]:
    """Lines as pip reads them: `\\` continuations joined, comments and blanks dropped."""
    lines, pending = [], ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = re.sub(r"(^|\s)#.*$", "", pending + raw).strip()
        pending = ""
        if line:
            lines.append(line)
    if pending.strip():
        lines.append(re.sub(r"(^|\s)#.*$", "", pending).strip())
    return [line for line in lines if line]


def read_requirements(path: Path, _seen: tuple[Path, ...] = ()) -> list[Spec]:
    """Every spec of `path` and of the files it includes with `-r`, in order."""
    if not path.is_file():
        if _seen:
            raise TaskError(
                f"{_seen[-1].name} includes {path}, which does not exist",
                "fix the `-r` line (paths are relative to the file that includes them)",
            )
        return []
    resolved = path.resolve()
    if resolved in _seen:
        raise TaskError(f"{path} includes itself (through `-r`)", "remove the circular `-r`")
    specs: list[Spec] = []
    for line in logical_lines(read_utf8(path)):
        include = _INCLUDE.match(line)
        constraint = _CONSTRAINT.match(line)
        if include:
            target = path.parent / os.path.expanduser(include.group(1))
            specs += read_requirements(target, (*_seen, resolved))
        elif constraint:
            target = (path.parent / os.path.expanduser(constraint.group(1))).resolve()
            specs.append(Spec(line, pip_text=f"--constraint {target}"))
        else:
            specs.append(parse_spec(line, path.parent))
    return specs
