"""Fixtures for the shipping tasks: a real app from templates/app, and pip kept offline.

pip runs for real in these tests, but against a private wheelhouse only (PIP_NO_INDEX): the
packages it installs are made here (fake native wheels with exact tags, pure sdists, a
native sdist), plus setuptools/wheel for building and boto3's closure, downloaded once into
.cache/shipping-wheels through the machine's configured index.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import generated_app

REPO = Path(__file__).resolve().parents[2]
WHEEL_CACHE = REPO / ".cache" / "shipping-wheels"
CACHED = ("setuptools>=64", "wheel", "boto3")

HELLO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy


@lambda_proxy.get
def get_handler(*args, **kwargs):
    return {"statusCode": 200, "body": {"hello": "world"}}


@lambda_proxy.post
def post_handler(*args, **kwargs):
    return {"statusCode": 201, "body": {"got": kwargs["event"]["body"]}}
"""

USES_VENDORED = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
import purepkg  # vendored: app/__init__.py puts app/vendored on sys.path


@lambda_proxy.get
def get_handler(*args, **kwargs):
    return {"statusCode": 200, "body": {"purepkg": purepkg.VALUE}}
"""

USES_BOTO3 = """
import os

import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy


@lambda_proxy.get
def get_handler(*args, **kwargs):
    import boto3  # provided by Lambda, not vendored

    client = boto3.session.Session(region_name="us-east-1").client("dynamodb")
    return {
        "statusCode": 200,
        "body": {
            "service": client.meta.service_model.service_name,
            "stage": os.environ.get("STAGE"),
        },
    }
"""

ACCOUNTS_SCHEMA = """\
Properties:
  AttributeDefinitions:
  - {AttributeName: id, AttributeType: S}
  KeySchema:
  - {AttributeName: id, KeyType: HASH}
  ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
  TableName: shipping-app-dev-accounts
Type: AWS::DynamoDB::Table
"""

EVENTS_SCHEMA = """\
Properties:
  AttributeDefinitions:
  - {AttributeName: id, AttributeType: S}
  BillingMode: PAY_PER_REQUEST
  KeySchema:
  - {AttributeName: id, KeyType: HASH}
  TableName: shipping-app-dev-user-events
Type: AWS::DynamoDB::Table
"""


# --- building packages ------------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_wheel(
    dest: Path,
    name: str,
    version: str,
    tag: str,
    modules: dict[str, str] | None = None,
    requires: tuple[str, ...] = (),
) -> Path:
    """A valid wheel with exactly the given tag (e.g. cp311-cp311-manylinux2014_x86_64)."""
    dist = f"{name.replace('-', '_')}-{version}"
    pythons, abis, platforms = tag.split("-")
    tags = [
        f"{p}-{a}-{pl}"
        for p in pythons.split(".")
        for a in abis.split(".")
        for pl in platforms.split(".")
    ]
    files = dict(
        modules or {f"{name.replace('-', '_')}.py": f"VALUE = {f'{name} {version} {tag}'!r}\n"}
    )
    files[f"{dist}.dist-info/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    files[f"{dist}.dist-info/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: tight-tests\n"
        f"Root-Is-Purelib: {'true' if tag.endswith('none-any') else 'false'}\n"
        + "".join(f"Tag: {t}\n" for t in tags)
    )
    record = f"{dist}.dist-info/RECORD"
    lines = [
        f"{path},{_record_hash(text.encode())},{len(text.encode())}" for path, text in files.items()
    ]
    files[record] = "\n".join([*lines, f"{record},,"]) + "\n"
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{dist}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def make_sdist(dest: Path, name: str, version: str, native: bool = False) -> Path:
    """A setuptools sdist; `native=True` claims extension modules: its wheel is platform-tagged."""
    root = f"{name}-{version}"
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools>=64"]\n'
            'build-backend = "setuptools.build_meta"\n'
        ),
        "setup.py": textwrap.dedent(
            f"""
            from setuptools import setup
            from setuptools.dist import Distribution

            class Native(Distribution):
                def has_ext_modules(self):
                    return {native!r}

            setup(name={name!r}, version={version!r}, py_modules=[{name!r}], distclass=Native)
            """
        ),
        f"{name}.py": f"VALUE = 'built from the {name} sdist'\n",
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
    }
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{root}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{root}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


# --- pip kept offline ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def wheel_cache() -> Path:
    """setuptools, wheel and boto3's closure as wheels: the only packages fetched, once."""
    marker = WHEEL_CACHE / ".complete"
    if not marker.is_file():
        WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--only-binary=:all:",
                "--dest",
                str(WHEEL_CACHE),
                *CACHED,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, (
            "could not download setuptools/wheel/boto3 through the configured pip index "
            f"(needed once, cached in {WHEEL_CACHE}):\n{result.stdout}\n{result.stderr}"
        )
        marker.touch()
    return WHEEL_CACHE


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    folder = tmp_path / "wheelhouse"
    folder.mkdir()
    return folder


@pytest.fixture
def offline_pip(monkeypatch: pytest.MonkeyPatch, wheelhouse: Path, wheel_cache: Path) -> Path:
    """pip sees only the test's wheelhouse and the cache; no index, no config files."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", f"{wheelhouse} {wheel_cache}")
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    for name in ("NAME", "STAGE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return wheelhouse


# --- the app ------------------------------------------------------------------------------


def render_app(parent: Path, name: str = "shipping_app") -> Path:
    """A fresh app from templates/app (its requirements point at this checkout), plus
    three controllers and two table schemas written as a user would."""
    app = generated_app.render(parent, name)
    for function, code in {
        "hello": HELLO,
        "uses_vendored": USES_VENDORED,
        "uses_boto3": USES_BOTO3,
    }.items():
        folder = app / "app" / "functions" / function
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        (folder / "handler.py").write_text(code.lstrip())
    schemas = app / "schemas" / "dynamo"
    (schemas / "accounts.yml").write_text(ACCOUNTS_SCHEMA)
    (schemas / "user-events.yml").write_text(EVENTS_SCHEMA)
    config = (
        (app / "tight.yml")
        .read_text()
        .replace("functions: {}", "functions:\n  hello: {path: /greetings}")
    )
    (app / "tight.yml").write_text(config)
    return app


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A freshly rendered app, cwd set to it (tasks find tight.yml from the cwd)."""
    root = render_app(tmp_path)
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="module")
def vendored_app_template(tmp_path_factory: pytest.TempPathFactory, wheel_cache: Path) -> Path:
    """An app vendored once per module (tight from this checkout + purepkg): copy, don't edit."""
    from tight.tasks.config import load_config
    from tight.tasks.vendor import vendor

    base = tmp_path_factory.mktemp("vendored")
    house = base / "wheelhouse"
    make_wheel(house, "purepkg", "1.0", "py3-none-any")
    root = render_app(base)
    (root / "requirements-vendor.txt").write_text(f"{REPO}\npurepkg\n")
    patch = pytest.MonkeyPatch()
    try:
        patch.setenv("PIP_CONFIG_FILE", os.devnull)
        patch.setenv("PIP_NO_INDEX", "1")
        patch.setenv("PIP_FIND_LINKS", f"{house} {wheel_cache}")
        vendor(load_config(root))
    finally:
        patch.undo()
    return root


@pytest.fixture
def vendored_app(
    vendored_app_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    root = tmp_path / vendored_app_template.name
    shutil.copytree(vendored_app_template, root, symlinks=True)
    monkeypatch.chdir(root)
    for name in ("NAME", "STAGE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def run_invoke() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`invoke <args>` in an app, as a user runs it: exit code and combined output."""

    def run(app: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "invoke", *args],
            cwd=app,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )

    return run


@pytest.fixture
def restore_cwd() -> Iterator[None]:
    here = Path.cwd()
    yield
    os.chdir(here)
