"""Where a rendered app gets Tight from: the requirement in requirements.txt (with the `dev`
extra) and requirements-vendor.txt, and the sentence in its README saying so.

By default (`tight_source=auto`) that is the Tight whose templates rendered the app: from a
git URL, the same repository pinned to the exact commit cookiecutter checked out; from a local
checkout, that folder. Anything else would let pip pick whatever owns a name on PyPI, and
PyPI's `tight` is an unrelated 2017 release: Tight's distribution is `tight-lambda`, imported
as `tight`. An explicit `tight_source` wins, and is refused if it names another project.
Standard library only: cookiecutter runs hooks with whatever Python it was installed into.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

DISTRIBUTION = "tight-lambda"
AUTO = "auto"
PLACEHOLDERS = {
    "requirements.txt": "__TIGHT_DEV_REQUIREMENT__",
    "requirements-vendor.txt": "__TIGHT_REQUIREMENT__",
}
README_PLACEHOLDER = "__TIGHT_SOURCE__"
# cookiecutter's built-in abbreviations (a user's own ones never reach the hook).
ABBREVIATIONS = {
    "gh": "https://github.com/{}.git",
    "gl": "https://gitlab.com/{}.git",
    "bb": "https://bitbucket.org/{}",
}
_REPO_URL = re.compile(r"^(((git|hg)\+)?(git|ssh|file|https?):(//)?|\w+@[\w.-]+:)")
_SCP_LIKE = re.compile(r"^(?P<user>\w+)@(?P<host>[\w.-]+):(?P<path>(?!//).+)$")
_NAME_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_PROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


class SourceError(ValueError):
    """A tight_source that cannot be used; str() is the message shown to the user."""


class Source:
    """One way to install Tight: a direct reference (`target`) or a name spec (`spec`)."""

    def __init__(self, description: str, target: str = "", spec: str = "") -> None:
        self.description = description
        self.target = target
        self.spec = spec

    def requirement(self, extra: str = "") -> str:
        name = DISTRIBUTION + (f"[{extra}]" if extra else "")
        if self.target:
            return f"{name} @ {self.target}"
        return name + self.spec


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def expand_abbreviation(template: str) -> str:
    prefix, _, rest = template.partition(":")
    if prefix in ABBREVIATIONS and rest and not rest.startswith("//"):
        return ABBREVIATIONS[prefix].format(rest)
    return template


def is_repo_url(value: str) -> bool:
    return bool(_REPO_URL.match(value))


def pip_git_url(url: str) -> str:
    """A URL git understands -> the `git+...` form pip understands (no ref)."""
    if url.startswith("hg+"):
        raise SourceError(f"{url!r} is a Mercurial repository; Tight lives in git")
    url = url.removeprefix("git+")
    scp = _SCP_LIKE.match(url)
    if scp:  # git@github.com:owner/repo.git -> ssh://git@github.com/owner/repo.git
        url = f"ssh://{scp['user']}@{scp['host']}/{scp['path']}"
    if url.startswith("file:"):
        raise SourceError(
            f"pip cannot install from {url!r} (a git+file URL has no host); "
            "use the folder's path instead"
        )
    return "git+" + url


def git_commit(folder: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise SourceError(f"cannot read the commit of {folder}: git is missing ({exc})") from None
    commit = result.stdout.strip()
    if result.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise SourceError(f"cannot read the commit of {folder}: {result.stderr.strip()}")
    return commit


def project_name(folder: Path) -> str | None:
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None
    match = _PROJECT_NAME.search(pyproject.read_text(encoding="utf-8", errors="replace"))
    return canonical(match.group(1)) if match else None


def checkout_root(start: Path) -> Path | None:
    """The Tight checkout holding `start` (a template folder inside it), if it is one."""
    for folder in (start, *start.parents):
        if project_name(folder) == DISTRIBUTION:
            return folder
    return None


def from_installed_package(start: Path) -> Source | None:
    """Templates inside an installed wheel (`site-packages/tight/templates/app`): the source
    pip recorded for it (PEP 610 direct_url.json), pinned the same way."""
    package = start.parent.parent  # .../tight
    if package.name != "tight":
        return None
    for info in sorted(package.parent.glob("tight_lambda-*.dist-info")):
        direct = info / "direct_url.json"
        if not direct.is_file():
            continue
        data = json.loads(direct.read_text(encoding="utf-8"))
        url = data.get("url", "")
        vcs = data.get("vcs_info") or {}
        if vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return Source(
                f"the git repository {url} at commit {vcs['commit_id']}, as installed",
                target=f"{pip_git_url(url)}@{vcs['commit_id']}",
            )
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path))
            return Source(f"the Tight checkout at {path}, as installed", target=path.as_uri())
    return None


def from_template(template: str, repo_dir: Path) -> Source:
    """The Tight these templates came from (`template`: the argument as typed to cookiecutter;
    `repo_dir`: the local folder or clone cookiecutter rendered from, absolute)."""
    url = expand_abbreviation(template.strip())
    if is_repo_url(url) and not url.startswith("file:"):
        git_url = pip_git_url(url)
        commit = git_commit(repo_dir)
        return Source(
            f"the git repository {git_url.removeprefix('git+')} at commit {commit}, "
            "where this app's templates came from",
            target=f"{git_url}@{commit}",
        )
    root = checkout_root(repo_dir)
    if root is not None:
        return Source(
            f"the Tight checkout at {root}, where this app's templates came from",
            target=root.as_uri(),
        )
    installed = from_installed_package(repo_dir)
    if installed is not None:
        return installed
    raise SourceError(
        f"cannot tell which Tight the templates in {repo_dir} belong to (not a git URL, a "
        "Tight checkout or an installed tight-lambda); pass tight_source=<a git URL, a path to "
        "a Tight checkout, or tight-lambda==VERSION>"
    )


def from_explicit(value: str, base: Path) -> Source:
    """A tight_source given by the user: a git URL, a path, a URL, or a tight-lambda spec."""
    value = value.strip()
    said = f"tight_source={value}, given when the app was generated"
    url = expand_abbreviation(value)
    if is_repo_url(url) and not url.startswith(("file:", "http:", "https:")):
        return Source(said, target=pip_git_url(url))
    if url.startswith(("http:", "https:")):
        archive = re.search(r"\.(whl|zip|tar\.gz|tgz)$", urlparse(url).path)
        return Source(said, target=url if archive else pip_git_url(url))
    if url.startswith("file:"):
        return Source(said, target=url)
    if value.startswith((".", "/", "~")) or os.sep in value:
        path = (base / os.path.expanduser(value)).resolve()
        if not path.exists():
            raise SourceError(f"tight_source {value!r} points to {path}, which does not exist")
        if path.is_dir() and project_name(path) != DISTRIBUTION:
            raise SourceError(
                f"tight_source {value!r} points to {path}, which is not a Tight checkout "
                f"(no pyproject.toml naming {DISTRIBUTION})"
            )
        return Source(f"{said} ({path})", target=path.as_uri())
    match = _NAME_SPEC.match(value)
    name = canonical(match.group(1)) if match else ""
    if name == DISTRIBUTION:
        return Source(said, spec=match.group(3).strip())
    if name == "tight":
        raise SourceError(
            f"tight_source {value!r} would install PyPI's `tight`, an unrelated 2017 release "
            f"(0.1.0, Python 2); Tight's distribution is {DISTRIBUTION!r}: use a git URL, a path "
            f"to a Tight checkout, or {DISTRIBUTION}==VERSION"
        )
    raise SourceError(
        f"tight_source {value!r} is not a git URL, a path to a Tight checkout or a "
        f"{DISTRIBUTION} requirement"
    )


def resolve(context: dict, repo_dir: Path, base: Path) -> Source:
    value = str(context.get("tight_source", AUTO)).strip()
    if value in ("", AUTO):
        return from_template(str(context.get("_template", "")), repo_dir)
    return from_explicit(value, base)


def write_into(project: Path, source: Source) -> None:
    """Fill the placeholders the app template leaves in its requirements and README."""
    fills = {
        "requirements.txt": {PLACEHOLDERS["requirements.txt"]: source.requirement("dev")},
        "requirements-vendor.txt": {PLACEHOLDERS["requirements-vendor.txt"]: source.requirement()},
        "README.md": {
            README_PLACEHOLDER: source.description,
            PLACEHOLDERS["requirements.txt"]: source.requirement("dev"),
            PLACEHOLDERS["requirements-vendor.txt"]: source.requirement(),
        },
    }
    for name, replacements in fills.items():
        path = project / name
        text = path.read_text(encoding="utf-8")
        for placeholder, value in replacements.items():
            text = text.replace(placeholder, value)
        path.write_text(text, encoding="utf-8")


def locate(repo_dir: str) -> Path:
    """`_repo_dir` as an absolute path. A relative one is relative to where cookiecutter was
    started; while a hook runs, cookiecutter's own working folder is the template folder."""
    if os.path.isabs(repo_dir):
        return Path(repo_dir)
    parent_cwd = Path(f"/proc/{os.getppid()}/cwd")
    if parent_cwd.exists():
        return parent_cwd.resolve()
    return (Path(os.environ.get("PWD", ".")) / repo_dir).resolve()


def hook_main(context: dict) -> None:
    """The app template's post-generation hook (run inside the new app): on a bad source print
    the reason and exit 1, and cookiecutter removes the new folder."""
    import sys

    try:
        base = Path(os.environ.get("PWD") or ".")
        source = resolve(context, locate(str(context.get("_repo_dir", ""))), base)
        write_into(Path.cwd(), source)
    except SourceError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(1) from None
    print(f"Tight comes from {source.description}:\n  {source.requirement('dev')}")
