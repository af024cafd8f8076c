"""Run an artifact as Lambda would: a clean interpreter whose only imports are the unzipped
artifact and what the Lambda Python runtime provides (boto3 and its dependencies)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tight.testing.events import make_event

# What the Lambda Python runtime puts beside your code.
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")

CHILD = r"""
import json, sys
task_root, runtime_dir = sys.argv[1], sys.argv[2]
sys.path[:0] = [task_root, runtime_dir]
import app_index  # the handler string's module, as Lambda imports it
answers = []
for request in json.load(sys.stdin):
    handler = getattr(app_index, request["controller"])
    answer = handler(request["event"], None)
    answers.append({"request": request["label"], **answer})
third_party = sorted({m.split('.')[0] for m in sys.modules} & {'flywheel', 'dynamo3', 'tight'})
print(json.dumps({"answers": answers, "imported": third_party,
                  "tight_file": sys.modules["tight"].__file__}))
"""


def lambda_runtime_dir(target: Path) -> Path:
    """A folder holding only links to boto3 and its dependencies from this environment."""
    target.mkdir(parents=True, exist_ok=True)
    for name in LAMBDA_PROVIDED:
        module = importlib.import_module(name)
        source = Path(module.__file__)
        source = source.parent if source.name == "__init__.py" else source
        (target / source.name).symlink_to(source)
    return target


def demo_requests() -> list[dict]:
    """Real API Gateway REST events for a create/read/update/list/delete round trip."""

    def request(label: str, method: str, account_id: str | None = None, body=None) -> dict:
        path = f"/accounts/{account_id}" if account_id else "/accounts"
        params = {"proxy": account_id} if account_id else None
        event = make_event(method, path, body=body, path_params=params, principal_id="demo")
        return {"label": label, "controller": "accounts", "event": event}

    return [
        request("POST", "POST", body={"id": "demo", "name": "Demo", "tags": ["x"]}),
        request("POST-again", "POST", body={"id": "demo", "name": "Twice"}),
        request("GET", "GET", "demo"),
        request("PUT", "PUT", "demo", body={"email": "demo@example.com"}),
        request("LIST", "GET"),
        request("DELETE", "DELETE", "demo"),
        request("GET-gone", "GET", "demo"),
        request("PATCH", "PATCH", "demo", body={}),
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


def invoke_zip(artifact: Path, requests: list[dict], env: dict[str, str]) -> list[dict]:
    """Unzip `artifact`, send `requests` through `python -I -S`, return the answers."""
    with tempfile.TemporaryDirectory(prefix="tight-lambda-") as scratch:
        task_root = Path(scratch) / "task"
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(task_root)
        runtime = lambda_runtime_dir(Path(scratch) / "runtime")
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", CHILD, str(task_root), str(runtime)],
            input=json.dumps(requests),
            capture_output=True,
            text=True,
            env=env,
            cwd=scratch,
            timeout=120,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the artifact failed in a clean interpreter:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["tight_file"].startswith(str(task_root)):
        raise RuntimeError(f"tight was imported from {result['tight_file']}, not the artifact")
    return result["answers"]
