"""`invoke artifact`: what ships, what never does, same bytes twice, and it runs from the zip."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tight.tasks import artifact as artifact_module
from tight.tasks import runtime_modules
from tight.tasks.artifact import build_artifact
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError

CONTROLLERS = {"hello", "uses_boto3", "uses_vendored"}
BOTO3_CLOSURE = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


def add_noise(app: Path) -> None:
    """Everything a working tree has that must never ship."""
    files = {
        "tests/functions/unit/test_hello.py": "def test(): pass\n",
        "app/functions/hello/tests/test_inline.py": "def test(): pass\n",
        "app/functions/hello/test_handler.py": "def test(): pass\n",
        "app/conftest.py": "",
        "app/functions/hello/__pycache__/handler.cpython-311.pyc": "x",
        "app/lib/stale.pyc": "x",
        "env.yml": "SECRET: 1\n",
        "app/.env": "SECRET=1\n",
        "dynamo_db/shared-local-instance.db": "x",
        ".git/HEAD": "ref: refs/heads/main\n",
        "builds/old.zip": "x",
        "app/lib/helpers.py": "HELP = 1\n",
    }
    for name, text in files.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_contents_and_exclusions(vendored_app: Path) -> None:
    add_noise(vendored_app)

    built = build_artifact(load_config())

    names = zipfile.ZipFile(built.path).namelist()
    assert built.path.parent == vendored_app / "builds"
    assert built.path.name == f"shipping-app-{built.sha256[:12]}.zip"
    for shipped in (
        "app_index.py",
        "tight.yml",
        "env.dist.yml",
        "app/__init__.py",
        "app/lib/helpers.py",
        "app/functions/hello/handler.py",
        "app/vendored/purepkg.py",
        "app/vendored/tight/__init__.py",
        "app/vendored/tight/vendored_alias.py",
        "app/vendored/tight/providers/aws/controllers/lambda_proxy_event.py",
        "app/vendored/tight/core/logger.py",
    ):
        assert shipped in names, shipped
    compiled = [n for n in names if n.endswith(".pyc")]
    never = [
        n
        for n in names
        if n.startswith(("tests/", "dynamo_db/", "builds/", ".git/"))
        or n in ("env.yml", "app/conftest.py", "app/.env")
        or ("__pycache__" in n and n not in compiled)
        or "/tests/" in n
        or n.rsplit("/", 1)[-1].startswith(("test_", "."))
    ]
    assert never == []
    # Tight ships exactly its runtime allowlist: nothing dev-time, nothing missing.
    shipped_tight = {
        n.removeprefix("app/vendored/") for n in names if n.startswith("app/vendored/tight/")
    }
    assert {n for n in shipped_tight if n.endswith(".py")} == runtime_modules.RUNTIME_FILES
    # Bytecode for every shipped source, by the target runtime (python3.11): unchecked-hash for
    # the vendored code, checked-hash for the app's own (an edit of its source wins).
    assert compiled, "the artifact ships no .pyc although Python 3.11 is here"
    archive = zipfile.ZipFile(built.path)
    for name in compiled:
        folder, _, file = ("/" + name).rpartition("/__pycache__/")
        folder = folder.removeprefix("/")
        source = f"{folder}/{file.split('.')[0]}.py".removeprefix("/")
        assert file.endswith(".cpython-311.pyc"), name
        assert source in names, name
        flags = int.from_bytes(archive.read(name)[4:8], "little")
        assert flags == (0b01 if folder.startswith("app/vendored") else 0b11), name
    for source in ("app_index.py", "app/__init__.py", "app/lib/helpers.py"):
        folder, _, file = ("/" + source).rpartition("/")
        assert f"{folder}/__pycache__/{file[:-3]}.cpython-311.pyc".removeprefix("/") in compiled
    stale = "app/functions/hello/__pycache__/handler.cpython-311.pyc"  # "x" in the tree
    assert archive.read(stale)[:4] == importlib.util.MAGIC_NUMBER
    assert "app/vendored/tight/core/__pycache__/test_helpers.cpython-311.pyc" not in names
    assert sorted(names) == names
    for info in zipfile.ZipFile(built.path).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 in (0o100644, 0o100755)
        assert info.compress_type == zipfile.ZIP_DEFLATED


@pytest.mark.slow
def test_byte_identical_from_the_same_tree(vendored_app: Path, tmp_path: Path) -> None:
    first = build_artifact(load_config())
    first_bytes = first.path.read_bytes()
    # Same tree, different file times and umask-ish permissions, another folder.
    for folder, _, files in os.walk(vendored_app / "app"):
        for name in files:
            os.utime(Path(folder) / name, (1_700_000_000, 1_700_000_000))
    os.chmod(vendored_app / "app_index.py", 0o600)
    second = build_artifact(load_config())
    copy = tmp_path / "elsewhere" / "shipping_app"
    shutil.copytree(vendored_app, copy, ignore=shutil.ignore_patterns("builds"))
    third = build_artifact(load_config(copy))

    assert second.path == first.path
    assert second.path.read_bytes() == first_bytes
    assert first.sha256 == second.sha256 == third.sha256 == sha256(third.path)
    print(
        f"\nartifact {first.path.name}: {first.zipped_bytes} bytes zipped, "
        f"{first.unzipped_bytes} unzipped, sha256 {first.sha256} (x3 builds)"
    )


@pytest.mark.slow
def test_a_change_gives_a_new_name_and_version_names_it(vendored_app: Path) -> None:
    first = build_artifact(load_config())
    (vendored_app / "app" / "lib" / "extra.py").write_text("X = 1\n")
    second = build_artifact(load_config())
    assert second.sha256 != first.sha256 and second.path != first.path
    with (vendored_app / "tight.yml").open("a") as handle:
        handle.write("version: 1.2.0\n")
    versioned = build_artifact(load_config())
    assert versioned.path.name == "shipping-app-1.2.0.zip"


@pytest.mark.slow
def test_cli_prints_size_against_lambda_limits(vendored_app: Path, run_invoke) -> None:
    result = run_invoke(vendored_app, "artifact")
    assert result.returncode == 0, result.stdout
    assert "of Lambda's 50 MiB direct-upload limit" in result.stdout
    assert "of Lambda's 250 MiB limit" in result.stdout
    (built,) = (vendored_app / "builds").glob("shipping-app-*.zip")
    assert f"sha256:   {sha256(built)}" in result.stdout
    assert f"zipped:   {built.stat().st_size / 1048576:.1f} MiB ({built.stat().st_size} bytes)" in (
        result.stdout
    )


@pytest.mark.slow
def test_over_the_unzipped_limit_writes_nothing(
    vendored_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifact_module, "UNZIPPED_LIMIT", 1000)
    with pytest.raises(TaskError) as error:
        build_artifact(load_config())
    assert "over Lambda's" in error.value.problem
    builds = vendored_app / "builds"
    assert not builds.exists() or list(builds.iterdir()) == []


def test_without_vendored_tight_it_refuses(app: Path) -> None:
    with pytest.raises(TaskError) as error:
        build_artifact(load_config())
    assert "holds no tight package" in error.value.problem
    assert "invoke pip-install --requirements" in error.value.fix
    assert not (app / "builds").exists()


@pytest.mark.slow
def test_vendored_for_another_platform_is_refused(vendored_app: Path) -> None:
    config = (vendored_app / "tight.yml").read_text().replace("x86_64", "arm64")
    (vendored_app / "tight.yml").write_text(config)
    with pytest.raises(TaskError) as error:
        build_artifact(load_config())
    assert "vendored for python3.11 on x86_64" in error.value.problem


CLEAN_RUN = textwrap.dedent(
    """
    import json, sys
    unzipped, boto = sys.argv[1], sys.argv[2]
    assert not any("site-packages" in p for p in sys.path), sys.path
    sys.path[:0] = [unzipped, boto]

    import app_index

    class Context:
        aws_request_id = "req-1"
        function_name = "shipping"

    def event(method, path, body=None):
        return {
            "resource": path, "path": path, "httpMethod": method,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None,
            "stageVariables": None, "body": body, "isBase64Encoded": False,
            "requestContext": {"httpMethod": method, "resourcePath": path, "requestId": "req-1",
                               "stage": "Prod", "identity": {"sourceIp": "127.0.0.1"}},
        }

    results = {}
    for name in json.loads(sys.argv[3]):
        results[name] = getattr(app_index, name)(event("GET", "/" + name), Context())
    results["hello POST"] = app_index.hello(event("POST", "/hello", '{"a": 1}'), Context())
    results["hello DELETE"] = app_index.hello(event("DELETE", "/hello"), Context())
    import tight, boto3
    results["files"] = {"tight": tight.__file__, "boto3": boto3.__file__}
    results["dev_modules"] = sorted(
        m for m in sys.modules
        if m.split(".")[0] in ("yaml", "invoke", "pytest", "cookiecutter", "flywheel")
        or m.startswith(("tight.tasks", "tight.testing", "tight.core.test_helpers"))
    )
    print(json.dumps(results))
    """
)


def boto3_only_dir(tmp_path: Path) -> Path:
    """A folder holding boto3 and what it imports, and nothing else: Lambda's /var/runtime."""
    import boto3

    site = Path(boto3.__file__).parents[1]
    folder = tmp_path / "var-runtime"
    folder.mkdir()
    for name in BOTO3_CLOSURE:
        source = site / name if (site / name).exists() else site / f"{name}.py"
        assert source.exists(), source
        (folder / source.name).symlink_to(source)
    return folder


@pytest.mark.slow
def test_the_zip_runs_in_a_clean_interpreter_with_only_boto3(
    vendored_app: Path, tmp_path: Path
) -> None:
    built = build_artifact(load_config())
    unzipped = tmp_path / "var-task"
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(unzipped)
        controllers = sorted(
            n.split("/")[2]
            for n in archive.namelist()
            if n.startswith("app/functions/") and n.endswith("/handler.py")
        )
    assert set(controllers) == CONTROLLERS
    boto = boto3_only_dir(tmp_path)
    env = {
        "PATH": os.environ["PATH"],
        "NAME": "shipping-app",
        "STAGE": "dev",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }

    run = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            CLEAN_RUN,
            str(unzipped),
            str(boto),
            json.dumps(controllers),
        ],
        cwd=unzipped,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    body = {name: json.loads(results[name]["body"]) for name in controllers}
    assert [results[n]["statusCode"] for n in controllers] == [200, 200, 200]
    assert body["hello"] == {"hello": "world"}
    assert body["uses_vendored"] == {"purepkg": "purepkg 1.0 py3-none-any"}
    assert body["uses_boto3"] == {"service": "dynamodb", "stage": "dev"}
    assert results["hello POST"]["statusCode"] == 201
    assert json.loads(results["hello POST"]["body"]) == {"got": {"a": 1}}
    assert results["hello DELETE"]["statusCode"] == 405
    assert results["files"]["tight"].startswith(str(unzipped / "app" / "vendored"))
    assert results["files"]["boto3"].startswith(str(boto))
    assert results["dev_modules"] == []


@pytest.mark.slow
def test_cli_warns_when_vendored_is_stale(vendored_app: Path, run_invoke) -> None:
    # The vendored tight comes from this checkout, which may have changed since the module
    # fixture vendored it: re-stamp it as fresh for the sources as they are now.
    from tight.tasks.vendor.requirements import REQUIREMENTS_FILE, read_requirements
    from tight.tasks.vendor.stamp import STAMP_FILE, fingerprint

    config = load_config()
    stamp_path = config.vendor_dir / STAMP_FILE
    stamp = json.loads(stamp_path.read_text())
    stamp["fingerprint"] = fingerprint(config, read_requirements(vendored_app / REQUIREMENTS_FILE))
    stamp_path.write_text(json.dumps(stamp))
    fresh = run_invoke(vendored_app, "artifact")
    assert fresh.returncode == 0 and "warning" not in fresh.stdout, fresh.stdout
    with (vendored_app / "requirements-vendor.txt").open("a") as handle:
        handle.write("requests\n")
    stale = run_invoke(vendored_app, "artifact")
    assert stale.returncode == 0, stale.stdout
    assert "does not match requirements-vendor.txt" in stale.stdout
