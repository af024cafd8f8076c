"""`invoke pip-install`: vendor an app's dependencies for Lambda's platform, not this machine's.

Lambda runs Linux (Amazon Linux 2 for python3.10/3.11, Amazon Linux 2023 for 3.12/3.13) on
x86_64 or arm64, so a wheel pip picks for a Mac or for this Python would import here and
crash there. Every install therefore asks pip for the runtime's exact tags; pure-Python
sdists and local paths (Tight itself, as `tight_source`) are built into wheels locally first,
and anything that is only native for this machine is refused by name.

`app/vendored` always mirrors `requirements-vendor.txt` (plus the PACKAGEs given): it is
rebuilt in a fresh folder next to it and swapped in, so a failure leaves the old one intact.
A stamp inside it records what it was built from, so an unchanged second run does nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from invoke import Context, task
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from tight.tasks.config import AppConfig, load_config
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX, write_atomic
from tight.tasks.requirements import (
    MACHINE,
    Spec,
    canonical_name,
    parse_spec,
    read_requirements,
)

REQUIREMENTS_FILE = "requirements-vendor.txt"
STAMP_FILE = ".tight-vendor-stamp.json"
# Bump when the vendoring recipe changes, so old stamps stop matching.
RECIPE_VERSION = 2

# What every python3.10-3.13 Lambda runtime already has in /var/runtime: the SDK and its
# dependency closure. AWS documents the SDK (boto3); the rest is what boto3 needs to import.
# Shipping them again only adds ~25 MB and shadows the versions botocore was tested with.
# A package the user names explicitly (requirements file or PACKAGE) is kept: they asked.
RUNTIME_PROVIDED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)

# glibc of the Lambda OS per runtime: AL2 has 2.26, AL2023 has 2.34.
GLIBC_MINOR = {
    "python3.10": 26,
    "python3.11": 26,
    "python3.12": 34,
    "python3.13": 34,
    "python3.14": 34,
}

# Kept from an old vendor folder: files a template may put there, owned by no package.
MARKER_FILES = ("__init__.py", ".gitkeep", ".gitignore")

PipRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def run_pip(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """pip of the interpreter running the task, as the machine configures it (index, mirror)."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def lambda_platforms(config: AppConfig) -> list[str]:
    """The manylinux tags Lambda's OS accepts, newest first (pip does not expand manylinux_2_x)."""
    machine = MACHINE[config.architecture]
    newest = GLIBC_MINOR[config.runtime]
    oldest = 17 if machine == "aarch64" else 5
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in range(newest, oldest - 1, -1)]
    platforms.append(f"manylinux2014_{machine}")  # pip expands it to manylinux2010/1 on x86_64
    return platforms


def platform_args(config: AppConfig) -> list[str]:
    args = ["--implementation", "cp", "--python-version", config.python_version]
    for platform in lambda_platforms(config):
        args += ["--platform", platform]
    return [*args, "--only-binary=:all:"]


def describe_platform(config: AppConfig) -> str:
    """`python3.11 on x86_64 (cp311, manylinux x86_64)`, for messages."""
    py = "cp" + config.python_version.replace(".", "")
    machine = MACHINE[config.architecture]
    return f"{config.runtime} on {config.architecture} ({py}, manylinux {machine})"


_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


_SKIP_DIRS = {"build", "builds", "dist", "node_modules", "__pycache__"}


def source_fingerprint(path: Path) -> str:
    """Names, sizes and mtimes of a local source tree: cheap, and changes when it is edited."""
    digest = hashlib.sha256()
    if path.is_file():
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in _SKIP_DIRS and not d.endswith(".egg-info")
        )
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            stat = (Path(folder) / name).stat()
            digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _ignore_build_noise(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n in _SKIP_DIRS or n.endswith(".egg-info")}


def fingerprint(config: AppConfig, specs: Sequence[Spec]) -> str:
    """Everything the vendored folder is a function of."""
    payload = {
        "recipe": RECIPE_VERSION,
        "runtime": config.runtime,
        "architecture": config.architecture,
        "specs": [spec.text for spec in specs],
        "local": {str(s.local): source_fingerprint(s.local) for s in specs if s.local},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_stamp(vendor_dir: Path) -> dict[str, object]:
    try:
        stamp = json.loads((vendor_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def is_up_to_date(vendor_dir: Path, fingerprint_: str) -> bool:
    """The stamp matches AND everything it lists is still there (`rm -rf app/vendored/*`
    keeps the dot-file stamp: that folder is not up to date)."""
    stamp = read_stamp(vendor_dir)
    if not vendor_dir.is_dir() or stamp.get("fingerprint") != fingerprint_:
        return False
    entries = stamp.get("entries")
    if not isinstance(entries, list) or not entries:
        return False
    return all((vendor_dir / str(entry)).exists() for entry in entries)


# --- wheels -------------------------------------------------------------------------------


def wheel_tags(wheel: Path) -> list[str]:
    """`pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl` -> its expanded tags (via packaging)."""
    try:
        tags = parse_wheel_filename(wheel.name)[3]
    except InvalidWheelFilename as exc:
        raise TaskError(f"{wheel.name} is not a valid wheel file name: {exc}") from exc
    return sorted(str(tag) for tag in tags)


def is_pure(wheel: Path) -> bool:
    return all(tag.endswith("-none-any") for tag in wheel_tags(wheel))


def build_wheel(
    spec_text: str, wheel_dir: Path, pip: PipRunner, *, only_source: str | None = None
) -> Path:
    """`pip wheel --no-deps` one requirement; returns the wheel it made."""
    out = wheel_dir / hashlib.sha256(spec_text.encode()).hexdigest()[:12]
    out.mkdir(parents=True, exist_ok=True)
    args = ["wheel", "--no-deps", "--wheel-dir", str(out)]
    if only_source:
        args += ["--no-binary", only_source]
    result = pip([*args, spec_text])
    wheels = sorted(out.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise _BuildFailed(tail(result))
    return wheels[0]


class _BuildFailed(Exception):
    pass


def tail(result: subprocess.CompletedProcess[str], lines: int = 12) -> str:
    text = (result.stderr or "") + (result.stdout or "")
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n    ".join(kept)


def prepare_local(spec: Spec, config: AppConfig, wheel_dir: Path, pip: PipRunner) -> str:
    """A local path becomes a wheel path pip can install with platform flags."""
    assert spec.local is not None
    if spec.local.suffix == ".whl":
        wheel = spec.local
    else:
        source = spec.local
        if source.is_dir():
            # Build from a clean copy: setuptools reuses a stale build/ in the source tree
            # (shipping modules deleted since) and would litter the user's checkout.
            source = wheel_dir / "src" / source.name
            shutil.copytree(spec.local, source, ignore=_ignore_build_noise)
        try:
            wheel = build_wheel(str(source), wheel_dir, pip)
        except _BuildFailed as exc:
            raise TaskError(
                f"could not build a wheel from {spec.text!r}:\n    {exc}",
                "check that the path holds a Python project (pyproject.toml or setup.py)",
            ) from exc
    if not is_pure(wheel) and not _fits(wheel, config):
        raise TaskError(
            f"{spec.text!r} gives {wheel.name}, which is native code for this machine, "
            f"not for {describe_platform(config)}",
            "build it inside a Lambda build image (public.ecr.aws/sam/build-"
            f"{config.runtime}) and list the resulting .whl in {REQUIREMENTS_FILE}",
        )
    return str(wheel)


_VCS = re.compile(r"^(\S+\s*@\s*)?(git|hg|svn|bzr)\+")


def is_vcs(spec: Spec) -> bool:
    """`tight-lambda @ git+https://...@<commit>`: what apps rendered from a git URL ship."""
    return spec.local is None and bool(_VCS.match(spec.text))


def prepare_vcs(spec: Spec, config: AppConfig, wheel_dir: Path, pip: PipRunner) -> str:
    """A VCS requirement is built into a wheel here (pip's --only-binary would refuse it);
    only pure-Python code can be built for Lambda this way."""
    try:
        wheel = build_wheel(spec.text, wheel_dir, pip)
    except _BuildFailed as exc:
        raise TaskError(
            f"could not build a wheel from {spec.text!r}:\n    {exc}",
            f"check the URL and the commit in {REQUIREMENTS_FILE}",
        ) from exc
    if not is_pure(wheel) and not _fits(wheel, config):
        raise TaskError(
            f"{spec.text!r} gives {wheel.name}, which is native code for this machine, "
            f"not for {describe_platform(config)}",
            "build it inside a Lambda build image and list the resulting .whl in "
            f"{REQUIREMENTS_FILE}",
        )
    return str(wheel)


def local_line(wheel: str, hashed: bool) -> str:
    """A wheel built here, with its own sha256 when the file uses `--hash`: pip's
    hash-checking mode then covers every line, including the ones Tight builds."""
    if not hashed:
        return wheel
    digest = hashlib.sha256(Path(wheel).read_bytes()).hexdigest()
    return f"{wheel} --hash=sha256:{digest}"


def _fits(wheel: Path, config: AppConfig) -> bool:
    py = "cp" + config.python_version.replace(".", "")
    platforms = set(lambda_platforms(config))
    if MACHINE[config.architecture] == "x86_64":
        platforms |= {"manylinux2010_x86_64", "manylinux1_x86_64"}
    for tag in wheel_tags(wheel):
        python, abi, platform = tag.split("-")
        if python in (py, "py3") and abi in (py, "abi3", "none") and platform in platforms:
            return True
    return False


_NO_MATCH = re.compile(r"No matching distribution found for ([^\s]+)")


def missing_requirement(result: subprocess.CompletedProcess[str]) -> str | None:
    match = _NO_MATCH.search((result.stderr or "") + (result.stdout or ""))
    return match.group(1) if match else None


def install_for_lambda(
    config: AppConfig, specs: Sequence[Spec], target: Path, wheel_dir: Path, pip: PipRunner
) -> None:
    """pip install --target with Lambda's tags; sdist-only pure packages are built and retried."""
    built_dir = wheel_dir / "built"
    built_dir.mkdir(parents=True, exist_ok=True)
    hashed = any(spec.hashes for spec in specs)
    lines = [
        local_line(prepare_local(s, config, wheel_dir, pip), hashed)
        if s.local
        else local_line(prepare_vcs(s, config, wheel_dir, pip), hashed)
        if is_vcs(s)
        else s.pip_text
        for s in specs
    ]
    built: set[str] = set()
    while True:
        requirements = wheel_dir / "requirements.txt"
        requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
        install = ["install", "--target", str(target), "--no-compile", *platform_args(config)]
        # Wheels built here from sdists: found by name, next to the configured find-links.
        install += ["--find-links", str(built_dir)]
        result = pip([*install, "--requirement", str(requirements)])
        if result.returncode == 0:
            return
        missing = missing_requirement(result)
        name = (
            canonical_name(_NAME.match(missing).group(1))
            if missing and _NAME.match(missing)
            else None
        )
        if not missing or not name or name in built:
            raise TaskError(
                f"pip could not install the vendored requirements for {describe_platform(config)}:"
                f"\n    {tail(result)}",
                f"fix the requirement pip names above in {REQUIREMENTS_FILE}",
            )
        built.add(name)
        wheel = build_pure_wheel(missing, name, config, wheel_dir, pip)
        shutil.copy2(wheel, built_dir / wheel.name)


def build_pure_wheel(
    requirement: str, name: str, config: AppConfig, wheel_dir: Path, pip: PipRunner
) -> Path:
    """No Lambda wheel exists: a pure-Python sdist is fine to build here; native code is not."""
    try:
        wheel = build_wheel(requirement, wheel_dir, pip, only_source=name)
    except _BuildFailed as exc:
        raise TaskError(
            f"no wheel of {requirement!r} fits {describe_platform(config)}, and there is no "
            f"source distribution to build one from:\n    {exc}",
            f"check the name and version of {name!r}, or pick a version that publishes "
            f"manylinux wheels for {config.architecture} and {config.runtime}",
        ) from exc
    if not is_pure(wheel):
        raise TaskError(
            f"{requirement!r} has no wheel for {describe_platform(config)}, and building its "
            f"source here gave {wheel.name}: native code for this machine, not for Lambda",
            f"pick a version of {name!r} that publishes manylinux wheels for "
            f"{config.architecture} and {config.runtime}, or build it in a Lambda build image "
            f"(public.ecr.aws/sam/build-{config.runtime})",
        )
    return wheel


# --- trimming -------------------------------------------------------------------------------


def installed_distributions(target: Path) -> dict[str, Path]:
    """Canonical name -> its .dist-info folder inside `target`."""
    found = {}
    for info in target.glob("*.dist-info"):
        name = info.name[: -len(".dist-info")].rsplit("-", 1)[0]
        metadata = info / "METADATA"
        if metadata.is_file():
            for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Name:"):
                    name = line.split(":", 1)[1].strip()
                    break
        found[canonical_name(name)] = info
    return found


def remove_distribution(target: Path, info: Path) -> None:
    """Delete every file its RECORD lists (and the dist-info), then the folders left empty."""
    record = info / "RECORD"
    paths = set()
    if record.is_file():
        for line in record.read_text(encoding="utf-8").splitlines():
            entry = line.rsplit(",", 2)[0].strip('"') if line else ""
            if entry:
                paths.add((target / entry).resolve())
    root = target.resolve()
    for path in sorted(paths, reverse=True):
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
    shutil.rmtree(info, ignore_errors=True)
    parents = {p.parent for p in paths if p.is_relative_to(root)}
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_dir():
            shutil.rmtree(folder / "__pycache__", ignore_errors=True)
            if any(folder.iterdir()):
                break
            folder.rmdir()
            folder = folder.parent


def trim_runtime_provided(target: Path, explicit: Iterable[str]) -> tuple[list[str], list[str]]:
    """Remove what Lambda already provides; returns (removed, kept because named explicitly)."""
    installed = installed_distributions(target)
    explicit = set(explicit)
    removed, kept = [], []
    for name in RUNTIME_PROVIDED:
        if name not in installed:
            continue
        if name in explicit:
            kept.append(name)
            continue
        remove_distribution(target, installed[name])
        removed.append(name)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: useless in Lambda
    return removed, kept


def drop_build_paths(target: Path) -> None:
    """Remove each distribution's direct_url.json (and its RECORD line): pip records there
    the absolute path of the wheel it installed, a random temp folder under this clone, so two
    clones would ship different bytes (and the build machine's paths)."""
    for info in target.glob("*.dist-info"):
        direct_url = info / "direct_url.json"
        if not direct_url.is_file():
            continue
        direct_url.unlink()
        record = info / "RECORD"
        if record.is_file():
            entry = f"{info.name}/direct_url.json,"
            lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
            record.write_text(
                "".join(line for line in lines if not line.startswith(entry)), encoding="utf-8"
            )


# --- where vendoring may write ---------------------------------------------------------------

# Never inside vendor_dir: replacing it would delete the app's own code and settings.
APP_CODE = (
    "app/functions",
    "app/models",
    "app/lib",
    "app/serializers",
    "app_index.py",
    "tight.yml",
    "tests",
    "schemas",
    "requirements-vendor.txt",
    "env.dist.yml",
)
# May sit at the top of a vendor folder without being listed in its manifest.
HARMLESS = (*MARKER_FILES, STAMP_FILE, "__pycache__")


def check_vendor_location(config: AppConfig) -> Path:
    """vendor_dir, resolved, if it is a dedicated folder inside the app; refuse it otherwise.

    pip-install replaces the whole folder, so `vendor_dir: .`, `app`, `../x` or `/home/me`
    in a tight.yml (perhaps from a cloned repository) would delete what they name.
    """
    root = config.root.resolve()
    vendor_dir = config.vendor_dir.resolve()
    shown = config.raw.get("vendor_dir", "app/vendored")
    fix = "set `vendor_dir: app/vendored` in tight.yml (a folder only pip-install writes)"
    if not vendor_dir.is_relative_to(root):
        raise TaskError(f"vendor_dir {shown!r} is {vendor_dir}, outside the app {root}", fix)
    if vendor_dir == root:
        raise TaskError(f"vendor_dir {shown!r} is the app folder itself", fix)
    protected = {code: root / code for code in APP_CODE}
    protected["dynamo_db.dir"] = config.dynamo_db_dir  # may be anywhere, even absolute
    for code, path in protected.items():
        if path.resolve().is_relative_to(vendor_dir):
            raise TaskError(
                f"vendor_dir {shown!r} holds the app's {code}: pip-install would replace it", fix
            )
    return vendor_dir


def manifest(vendor_dir: Path) -> set[str]:
    """The top-level names a previous pip-install put into vendor_dir (from its stamp; for a
    stamp older than the manifest, from the RECORD files of the distributions it holds)."""
    stamp = read_stamp(vendor_dir)
    if not stamp:
        return set()
    entries = stamp.get("entries")
    if isinstance(entries, list):
        return {str(entry) for entry in entries}
    found = set()
    for info in vendor_dir.glob("*.dist-info"):
        found.add(info.name)
        record = info / "RECORD"
        if record.is_file():
            for line in record.read_text(encoding="utf-8", errors="replace").splitlines():
                top = line.split(",", 1)[0].strip('"').split("/", 1)[0]
                if top and top != "..":
                    found.add(top)
    return found


def check_replaceable(vendor_dir: Path, config: AppConfig) -> None:
    """Refuse to replace a folder holding anything pip-install did not put there."""
    if not vendor_dir.exists():
        return
    shown = vendor_dir.relative_to(config.root.resolve()).as_posix()
    if not vendor_dir.is_dir():
        raise TaskError(
            f"vendor_dir {shown} is a file, not a folder",
            "move it away, or set another `vendor_dir` in tight.yml",
        )
    allowed = manifest(vendor_dir) | set(HARMLESS)
    foreign = sorted(entry.name for entry in vendor_dir.iterdir() if entry.name not in allowed)
    if foreign:
        listed = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise TaskError(
            f"{shown} holds {listed}, which `invoke pip-install` did not put there; "
            "replacing the folder would delete them",
            "move your own modules to app/lib (or delete them), or point `vendor_dir` in "
            "tight.yml at a folder of its own",
        )


# --- the swap -------------------------------------------------------------------------------


def swap_in(new: Path, vendor_dir: Path) -> None:
    """Replace vendor_dir by `new` with two renames on one filesystem; the old one goes last."""
    if vendor_dir.exists():
        for marker in MARKER_FILES:
            if (vendor_dir / marker).is_file() and not (new / marker).exists():
                shutil.copy2(vendor_dir / marker, new / marker)
        old = vendor_dir.with_name(f"{TEMP_PREFIX}{vendor_dir.name}-old-{os.getpid()}")
        os.replace(vendor_dir, old)
        os.replace(new, vendor_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, vendor_dir)


def append_requirements(path: Path, specs: Sequence[Spec]) -> None:
    if not specs:
        return
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if current and not current.endswith("\n"):
        current += "\n"
    current += "".join(f"{spec.text}\n" for spec in specs)
    write_atomic(path, current)


@dataclass
class VendorResult:
    """What a run did, for the task's report and for tests."""

    up_to_date: bool
    installed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def vendor(
    config: AppConfig,
    packages: Sequence[str] = (),
    *,
    use_requirements: bool = True,
    requirements_file: Path | None = None,
    pip: PipRunner | None = None,
) -> VendorResult:
    """Make `vendor_dir` hold exactly the requirements (plus `packages`) for Lambda."""
    pip = pip or run_pip
    req_path = requirements_file or config.root / REQUIREMENTS_FILE
    if use_requirements and not packages and not req_path.is_file():
        raise TaskError(
            f"{req_path} does not exist",
            "create it (one requirement per line) or run `invoke pip-install PACKAGE`",
        )
    if not use_requirements and not packages:
        raise TaskError(
            "nothing to install",
            "run `invoke pip-install --requirements` or `invoke pip-install PACKAGE ...`",
        )
    listed = read_requirements(req_path)
    known = {spec.key for spec in listed}
    new = []
    for text in packages:
        spec = parse_spec(text, Path.cwd())
        if spec.key not in known:
            known.add(spec.key)
            new.append(spec)
    every = [*listed, *new]
    if not every:
        raise TaskError(f"{req_path} lists no requirement", "add one, e.g. `tight`")
    stamp = fingerprint(config, every)
    specs = [s for s in every if s.applies_to(config.runtime, config.architecture)]
    skipped = [s.text for s in every if s not in specs]
    if all(s.pip_text.startswith("-") for s in specs):
        raise TaskError(
            f"no requirement in {req_path.name} applies to {config.runtime} on "
            f"{config.architecture} (skipped by their markers: {', '.join(skipped)})",
            "check the markers, or tight.yml's runtime and architecture",
        )
    vendor_dir = check_vendor_location(config)
    if is_up_to_date(vendor_dir, stamp):
        return VendorResult(up_to_date=True)
    check_replaceable(vendor_dir, config)

    vendor_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}vendor-", dir=vendor_dir.parent))
    try:
        target = work / "target"
        install_for_lambda(config, specs, target, work / "wheels", pip)
        explicit = {spec.name for spec in specs if spec.name}
        removed, kept = trim_runtime_provided(target, explicit)
        drop_build_paths(target)
        installed = sorted(installed_distributions(target))
        (target / STAMP_FILE).write_text(
            json.dumps(
                {
                    "fingerprint": stamp,
                    "runtime": config.runtime,
                    "architecture": config.architecture,
                    "requirements": [spec.text for spec in every],
                    "skipped": skipped,
                    "installed": installed,
                    "removed": removed,
                    "entries": sorted(os.listdir(target)),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        swap_in(target, vendor_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    append_requirements(req_path, new)
    return VendorResult(
        up_to_date=False,
        installed=installed,
        removed=removed,
        kept=kept,
        appended=[spec.text for spec in new],
        skipped=skipped,
    )


def _wheel_platform_summary(vendor_dir: Path) -> list[str]:
    """`name version tag` of each vendored distribution, from its WHEEL file."""
    lines = []
    for info in sorted(vendor_dir.glob("*.dist-info")):
        wheel = info / "WHEEL"
        tags = []
        if wheel.is_file():
            tags = [
                line.split(":", 1)[1].strip()
                for line in wheel.read_text(encoding="utf-8").splitlines()
                if line.startswith("Tag:")
            ]
        lines.append(f"{info.name[: -len('.dist-info')]}  {tags[0] if tags else '?'}")
    return lines


@task(
    help={
        "package": "a requirement to vendor and append to requirements-vendor.txt; repeat "
        "-p for several, or list them after `--`: `invoke pip-install -- flywheel requests`",
        "requirements": f"install everything listed in {REQUIREMENTS_FILE}",
        "requirements_file": f"another requirements file (default: <app>/{REQUIREMENTS_FILE})",
    },
    iterable=["package"],
)
def pip_install(
    c: Context,
    package: list[str] | None = None,
    requirements: bool = False,
    requirements_file: str = "",
) -> None:
    """Vendor dependencies into tight.yml's vendor_dir for Lambda's Python and architecture.

    vendor_dir always mirrors requirements-vendor.txt plus the packages given, which are
    appended to it once installed. (invoke has no optional positional arguments: packages
    come with -p or after `--`.)
    """
    config = load_config()
    packages = list(package or []) + shlex.split(getattr(c, "remainder", "") or "")
    req_path = Path(requirements_file).resolve() if requirements_file else None
    print(f"vendoring for {describe_platform(config)} into {config.vendor_dir}")
    result = vendor(config, packages, use_requirements=requirements, requirements_file=req_path)
    if result.up_to_date:
        print(f"{config.vendor_dir.relative_to(config.root)} is up to date (stamp matches)")
        return
    for line in _wheel_platform_summary(config.vendor_dir):
        print(f"  {line}")
    if result.removed:
        print(f"removed (provided by the Lambda runtime): {', '.join(result.removed)}")
    if result.skipped:
        print(
            f"skipped (their markers are false for {config.runtime} on {config.architecture}): "
            + ", ".join(result.skipped)
        )
    if result.kept:
        print(f"kept although Lambda provides them (you listed them): {', '.join(result.kept)}")
    for text in result.appended:
        print(f"added {text!r} to {REQUIREMENTS_FILE}")
