"""Run an artifact under the real Lambda runtime loop, without Docker.

AWS's Runtime Interface Emulator (the `aws-lambda-rie` binary that ships inside the
`aws-sam-cli` wheel on PyPI) plays the Lambda service: it starts the runtime, serves the
Runtime API and takes invocations over HTTP. The runtime is AWS's own `awslambdaric` (PyPI),
the client every Python Lambda image runs. The task folder holds only the unzipped artifact;
beside it, as in Lambda's /var/runtime, sit awslambdaric and boto3 with its dependencies.
The interpreter runs with `-I -S`, so nothing from this machine's site-packages leaks in.

Both tools are fetched once through pip into `.cache/` (no Docker, no AWS account), and RIE
is bound to 127.0.0.1 on free ports (its default is 0.0.0.0:8080).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tight.tasks.dynamodb_local.ports import free_port
from tight.testing.events import make_event

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
AWS_SAM_CLI = "aws-sam-cli==1.170.0"  # its wheel carries the RIE binaries
AWSLAMBDARIC = "awslambdaric==4.2.2"
# What the Lambda Python runtime puts beside your code.
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
INVOKE_PATH = "/2015-03-31/functions/function/invocations"

BOOTSTRAP = """\
import os, sys
task_root = os.environ["LAMBDA_TASK_ROOT"]
sys.path[:0] = [task_root, *os.environ["LAMBDA_RUNTIME_DIR"].split(os.pathsep)]
os.chdir(task_root)  # Lambda's working directory is the task root
from awslambdaric.__main__ import main
main([sys.argv[0], sys.argv[1]])
"""


class SandboxError(RuntimeError):
    """A tool could not be installed or the function did not answer; the message says why."""


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SandboxError(f"`pip {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")


def rie_architecture() -> str:
    machine = platform.machine().lower()
    return "arm64" if machine in ("aarch64", "arm64") else "x86_64"


def ensure_rie(cache: Path = CACHE) -> Path:
    """The RIE binary for this machine, extracted once from the aws-sam-cli wheel."""
    version = AWS_SAM_CLI.split("==")[1]
    binary = cache / "lambda-rie" / version / f"aws-lambda-rie-{rie_architecture()}"
    if binary.is_file():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=binary.parent) as scratch:
        _pip("download", "--no-deps", "--only-binary", ":all:", "-d", scratch, AWS_SAM_CLI)
        (wheel,) = Path(scratch).glob("aws_sam_cli-*.whl")
        member = f"samcli/local/rapid/{binary.name}"
        with zipfile.ZipFile(wheel) as archive:
            staged = Path(scratch) / binary.name
            staged.write_bytes(archive.read(member))
        staged.chmod(0o755)
        staged.replace(binary)  # atomic: a half-written binary is never found
    return binary


def ensure_runtime_client(python: str, cache: Path = CACHE) -> Path:
    """awslambdaric (and its dependencies) installed for `python`'s version, once."""
    version = _python_version(python)
    target = cache / "lambda-runtime" / f"{AWSLAMBDARIC.split('==')[1]}-py{version}"
    if (target / "awslambdaric").is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
    try:
        _pip("install", "--quiet", "--only-binary", ":all:", "--python-version", version,
             "--no-compile", "--target", str(staging), AWSLAMBDARIC)  # fmt: skip
        staging.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _python_version(python: str) -> str:
    done = subprocess.run(
        [python, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def find_interpreter(runtime: str) -> str | None:
    """An interpreter for the Lambda `runtime` (python3.11 -> a CPython 3.11), or None."""
    wanted = runtime.removeprefix("python")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == wanted:
        return sys.executable
    return shutil.which(runtime)


def lambda_runtime_dir(target: Path) -> Path:
    """A folder holding only links to boto3 and its dependencies from this environment."""
    target.mkdir(parents=True, exist_ok=True)
    for name in LAMBDA_PROVIDED:
        module = importlib.import_module(name)
        source = Path(str(module.__file__))
        source = source.parent if source.name == "__init__.py" else source
        (target / source.name).symlink_to(source)
    return target


class Function:
    """One function under RIE: `invoke(event)` sends an event, returns the decoded answer."""

    def __init__(self, endpoint: str, log: Path) -> None:
        self.endpoint = endpoint
        self.log = log

    def invoke(self, event: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.endpoint + INVOKE_PATH,
            data=json.dumps(event).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            return json.loads(response.read())


@contextmanager
def running(
    artifact: Path, handler: str, env: dict[str, str], runtime: str = "python3.11"
) -> Iterator[Function]:
    """Unzip `artifact` into a task root and start RIE + awslambdaric on `handler`."""
    python = find_interpreter(runtime)
    if python is None:
        raise SandboxError(
            f"no {runtime} interpreter on this machine: the artifact cannot run under the "
            f"Lambda runtime loop here (its vendoring and packaging were still checked)"
        )
    rie = ensure_rie()
    client = ensure_runtime_client(python)
    with tempfile.TemporaryDirectory(prefix="tight-lambda-") as scratch:
        root = Path(scratch)
        task_root = root / "task"
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(task_root)
        runtime_dir = lambda_runtime_dir(root / "runtime")
        (root / "bootstrap.py").write_text(BOOTSTRAP)
        api_port, rie_port = free_port(), free_port()
        function_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            **env,
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": os.pathsep.join([str(client), str(runtime_dir)]),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        }
        log = root / "rie.log"
        with log.open("w") as sink:
            process = subprocess.Popen(
                [str(rie),
                 "--runtime-interface-emulator-address", f"127.0.0.1:{rie_port}",
                 "--runtime-api-address", f"127.0.0.1:{api_port}",
                 python, "-I", "-S", str(root / "bootstrap.py"), handler],
                env=function_env, cwd=root, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            _wait_for_port(rie_port, process, log)
            yield Function(f"http://127.0.0.1:{rie_port}", log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxError(f"RIE exited with {process.returncode}:\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SandboxError(f"RIE did not listen on 127.0.0.1:{port} within 30 s:\n{log.read_text()}")


# --- the demo's requests ---------------------------------------------------------------

VERSIONS = {"v1": "REST v1", "v2": "HTTP API v2", "alb": "ALB"}


def demo_requests(version: str) -> list[dict[str, Any]]:
    """Every method of the accounts controller, as API Gateway REST (v1), HTTP API (v2) or
    an ALB sends it; each version works on its own account `<version>-demo`."""
    account = f"{version}-demo"

    def request(label: str, method: str, item: bool, body: Any = None, **extra: Any) -> dict:
        path, params, query, resource = "/accounts", None, None, "/accounts"
        if item and version == "alb":  # an ALB has no path parameters: the id goes in the query
            query = {"id": account}
        elif item:
            path, params, resource = f"/accounts/{account}", {"proxy": account}, None
            resource = "/accounts/{proxy+}"
        principal = None if version == "alb" else "demo-user"
        event = make_event(
            method, path, body=body, path_params=params, query=query, resource=resource,
            version=version, principal_id=principal, **extra,
        )  # fmt: skip
        return {"label": label, "event": event}

    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}
    return [
        request("POST", "POST", False, body={"id": account, "name": "Demo", "tags": ["x"]}),
        request("POST-again", "POST", False, body={"id": account, "name": "Twice"}),
        request("GET", "GET", True),
        request("PUT", "PUT", True, body={"email": f"{account}@example.com"}),
        request("LIST", "GET", False),
        request("HEAD", "HEAD", True),
        request("OPTIONS", "OPTIONS", True, headers=preflight),
        request("PATCH", "PATCH", True, body={}),
        request("DELETE", "DELETE", True),
        request("GET-gone", "GET", True),
    ]


def function_environment(template: Path, function: str) -> dict[str, str]:
    """The environment variables SAM gives `function`, with `Ref`s to parameters resolved."""
    import yaml

    document = yaml.safe_load(template.read_text())
    defaults = {
        name: str(spec.get("Default", "")) for name, spec in document.get("Parameters", {}).items()
    }
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        if properties.get("Handler") == f"app_index.{function}":
            variables = properties.get("Environment", {}).get("Variables", {})
            return {
                name: defaults[value["Ref"]] if isinstance(value, dict) else str(value)
                for name, value in variables.items()
            }
    raise RuntimeError(f"{template} has no function with Handler app_index.{function}")


def invoke_demo(
    artifact: Path, env: dict[str, str], runtime: str = "python3.11"
) -> dict[str, list[dict[str, Any]]]:
    """Every demo request of every event version through one RIE-run function."""
    answers: dict[str, list[dict[str, Any]]] = {}
    with running(artifact, "app_index.accounts", env, runtime) as function:
        for version in VERSIONS:
            answers[version] = [
                {"request": r["label"], **function.invoke(r["event"])}
                for r in demo_requests(version)
            ]
    return answers
