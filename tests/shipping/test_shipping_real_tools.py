"""The generated templates read by the real tools: Serverless Framework v3 packages
serverless.yml (schema errors are failures), cfn-lint checks what it compiles, and
`sam validate --lint` checks template.yaml, for `api: rest` and `api: http`.

The tools are installed once into .cache/ (see real_tools.py); CI runs these tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.shipping import real_tools
from tests.shipping.test_shipping_templates import CONTROLLERS, TABLES
from tight.tasks.config import load_config
from tight.tasks.deploy.serverless import CRUD_ACTIONS, FRAMEWORK_VERSION
from tight.tasks.deploy_templates import generate
from tight.tasks.dynamodb_local.ports import free_port

pytestmark = pytest.mark.slow

# Serverless's own HTTP API compiler writes a DependsOn that a Ref already implies: a style
# warning about code Tight does not write. Nothing else is ignored.
SERVERLESS_HTTP_API_LINT_IGNORED = ("W3005",)


@pytest.fixture(scope="session")
def serverless() -> Path:
    """Serverless v3 with serverless-offline beside it: one npm install, cached in .cache/."""
    return real_tools.npm_tool("serverless", *real_tools.NPM_PACKAGES)


@pytest.fixture(scope="session")
def sam() -> Path:
    return real_tools.sam_cli()


def use_api(app: Path, api: str) -> None:
    with (app / "tight.yml").open("a") as handle:
        handle.write(f"api: {api}\n")


def package(serverless: Path, app: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(serverless), "package", "--stage", "dev"],
        cwd=app,
        env=real_tools.tool_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("api", ["rest", "http"])
def test_serverless_v3_packages_the_generated_file(
    serverless: Path, vendored_app: Path, tmp_path: Path, api: str
) -> None:
    use_api(vendored_app, api)
    path, _ = generate(load_config(), "serverless")
    config = yaml.safe_load(path.read_text())
    assert config["frameworkVersion"] == FRAMEWORK_VERSION
    assert config["configValidationMode"] == "error"

    done = package(serverless, vendored_app, tmp_path)
    output = done.stdout + done.stderr
    print(f"\n$ serverless package --stage dev   (api: {api})\n{output}")
    assert done.returncode == 0, output
    assert "Service packaged" in output
    assert "Warning" not in output and "warning" not in output

    compiled = vendored_app / ".serverless" / "cloudformation-template-update-stack.json"
    ignore = SERVERLESS_HTTP_API_LINT_IGNORED if api == "http" else ()
    lint = subprocess.run(
        [*cfn_lint_command(), *(f"--ignore-checks={rule}" for rule in ignore), "--", compiled],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr

    resources = json.loads(compiled.read_text())["Resources"]
    functions = {
        v["Properties"]["Handler"]: v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::Function"
    }
    assert set(functions) == {f"app_index.{name}" for name in CONTROLLERS.values()}
    for properties in functions.values():
        assert properties["Runtime"] == "python3.11"
        assert properties["Architectures"] == ["x86_64"]
        assert properties["Environment"]["Variables"] == {
            "CI": "false",
            "NAME": "shipping-app",
            "STAGE": "dev",
        }
    for logical_id, short in TABLES.items():
        table = resources[logical_id]
        assert table["Type"] == "AWS::DynamoDB::Table"
        assert table["Properties"]["TableName"] == f"shipping-app-dev-{short}"
    (role,) = [v for v in resources.values() if v["Type"] == "AWS::IAM::Role"]
    statements = [
        s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
    ]
    (dynamo,) = [s for s in statements if s["Action"] == list(CRUD_ACTIONS)]
    assert len(dynamo["Resource"]) == 2 * len(TABLES)  # the tables and their indexes only
    types = {v["Type"] for v in resources.values()}
    if api == "http":
        assert "AWS::ApiGatewayV2::Api" in types and "AWS::ApiGateway::RestApi" not in types
        routes = sorted(
            v["Properties"]["RouteKey"]
            for v in resources.values()
            if v["Type"] == "AWS::ApiGatewayV2::Route"
        )
        assert "ANY /greetings" in routes and "ANY /greetings/{proxy+}" in routes
        integrations = [
            v["Properties"]
            for v in resources.values()
            if v["Type"] == "AWS::ApiGatewayV2::Integration"
        ]
        assert {i["PayloadFormatVersion"] for i in integrations} == {"2.0"}
    else:
        assert "AWS::ApiGateway::RestApi" in types and "AWS::ApiGatewayV2::Api" not in types
        methods = [v for v in resources.values() if v["Type"] == "AWS::ApiGateway::Method"]
        assert {m["Properties"]["HttpMethod"] for m in methods} == {"ANY"}
        assert len(methods) == 2 * len(CONTROLLERS)


def test_serverless_refuses_a_schema_error(
    serverless: Path, vendored_app: Path, tmp_path: Path
) -> None:
    """configValidationMode: error is what makes the test above mean "no schema warnings"."""
    path, _ = generate(load_config(), "serverless")
    config = yaml.safe_load(path.read_text())
    config["provider"]["memorySise"] = 512  # a typo Serverless would otherwise only warn about
    path.write_text(yaml.safe_dump(config))
    done = package(serverless, vendored_app, tmp_path)
    assert done.returncode != 0
    assert "memorySise" in done.stdout + done.stderr


def sam_validate_lint(
    sam: Path, template: Path, app: Path, home: Path
) -> subprocess.CompletedProcess[str]:
    """`sam validate --lint` on `template`, run from the app with the tools' own HOME."""
    return subprocess.run(
        [str(sam), "validate", "--lint", "--template-file", str(template)],
        cwd=app,
        env=real_tools.tool_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("api", ["rest", "http"])
def test_sam_validate_lint(sam: Path, vendored_app: Path, tmp_path: Path, api: str) -> None:
    use_api(vendored_app, api)
    path, _ = generate(load_config(), "sam")
    done = sam_validate_lint(sam, path, vendored_app, tmp_path / "home")
    output = done.stdout + done.stderr
    print(f"\n$ sam validate --lint   (api: {api})\n{output}")
    assert done.returncode == 0, output
    assert "is a valid SAM Template" in output


def cfn_lint_command() -> list[str]:
    """cfn-lint of this environment (the one test_shipping_templates runs)."""
    return [str(Path(sys.executable).parent / "cfn-lint"), "--regions", "us-east-1"]


@pytest.mark.parametrize("api", ["rest", "http"])
def test_serverless_offline_serves_the_generated_file(
    serverless: Path, vendored_app: Path, tmp_path: Path, api: str
) -> None:
    """What the README tells users: the generated serverless.yml plus `plugins:
    [serverless-offline]`; a real HTTP client gets the controller's answers. It runs the app's
    sources with the `python3` on PATH (serverless-offline ignores package.artifact): the zip
    itself is checked under the Lambda runtime loop by the e2e test."""
    use_api(vendored_app, api)
    path, _ = generate(load_config(), "serverless")
    with path.open("a") as handle:
        handle.write("plugins:\n  - serverless-offline\n")
    (vendored_app / "node_modules").symlink_to(serverless.parents[1])
    http_port, lambda_port = free_port(), free_port()
    env = real_tools.tool_env(tmp_path / "home")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    log = tmp_path / "offline.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(serverless), "offline", "--host", "127.0.0.1",
             "--httpPort", str(http_port), "--lambdaPort", str(lambda_port),
             "--noPrependStageInUrl"],
            cwd=vendored_app, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{http_port}"
        get = _http(base + "/greetings", process, log)
        assert (get.status, json.loads(get.body)) == (200, {"hello": "world"}), log.read_text()
        assert get.headers["access-control-allow-origin"] == "*"
        post = _http(base + "/greetings/x", process, log, method="POST", body=b'{"n": 1}')
        assert (post.status, json.loads(post.body)) == (201, {"got": {"n": 1}})
        patch = _http(base + "/greetings", process, log, method="PATCH", body=b"{}")
        assert patch.status == 405 and patch.headers["allow"].startswith("GET, POST")
        print(f"\nserverless offline ({api}): GET={get.status} POST={post.status} "
              f"PATCH={patch.status}")  # fmt: skip
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _http(
    url: str, process: subprocess.Popen, log: Path, method: str = "GET", body: bytes | None = None
) -> _Answer:
    """One request with urllib, retried until the server listens (or has died)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with opener.open(request, timeout=60) as response:
                return _Answer(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return _Answer(error.code, _lower(error.headers), error.read())
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                message = f"serverless offline is not answering:\n{log.read_text()}"
                raise AssertionError(message) from None
            time.sleep(0.3)


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def test_sam_validate_lint_catches_what_cfn_lint_catches(
    sam: Path, vendored_app: Path, tmp_path: Path
) -> None:
    """`--lint` really lints: a runtime Lambda retired fails the same command."""
    path, _ = generate(load_config(), "sam")
    path.write_text(path.read_text().replace("Runtime: python3.11", "Runtime: python2.7"))
    done = sam_validate_lint(sam, path, vendored_app, tmp_path / "home")
    assert done.returncode != 0
    assert "python2.7" in done.stdout + done.stderr
