"""Start DynamoDB Local (loopback only), build every side, then time cold and warm calls.

Rounds interleave the sides in a shuffled order, so a noisy moment on a shared machine hits
all of them alike; every figure is a median over rounds and every ratio is taken against the
bare boto3-client handler measured in the same run.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from bench.real import build, checks, netns
from bench.real.events import ACCOUNT_ID, SEEDED, get_event, post_event
from bench.real.sides import SIDES, side
from bench.shipped import REPO_ROOT

HERE = Path(__file__).resolve().parent
COLD_CHILD = HERE / "_cold_child.py"
WARM_CHILD = HERE / "_warm_child.py"
TABLE = "bench-dev-accounts"  # the demo model's "%s-%s-accounts" % (NAME, STAGE)
BASELINE = "baseline"


@dataclass(frozen=True)
class Settings:
    rounds: int
    warm_calls: int
    stubbed_calls: int


FULL = Settings(rounds=15, warm_calls=40, stubbed_calls=300)
QUICK = Settings(rounds=2, warm_calls=5, stubbed_calls=20)


@dataclass
class Samples:
    cold: dict[tuple[str, str], list[dict[str, float]]] = field(default_factory=dict)
    warm: dict[tuple[str, str, str], list[dict[str, float]]] = field(default_factory=dict)


def lambda_env(endpoint: str) -> dict[str, str]:
    """What Lambda (and the app's env.yml) gives the function; keys are DynamoDB Local's."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_LAMBDA_FUNCTION_NAME="bench-accounts",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
        AWS_EXECUTION_ENV="AWS_Lambda_python3.11",
        AWS_SESSION_TOKEN="local",  # Lambda hands every function a role's temporary keys
        # Every side, Tight included, finds DynamoDB Local through the SDK's own endpoint
        # setting and signs with the keys above, as deployed code does with AWS. (Tight's
        # USE_LOCAL_DB mode would pass keys to botocore itself and skip its credential chain:
        # cheaper than the deployed path, so not what a cold start on Lambda costs.)
        AWS_ENDPOINT_URL_DYNAMODB=endpoint,
        NAME="bench",
        STAGE="dev",
        TABLE_NAME=TABLE,
        POWERTOOLS_SERVICE_NAME="accounts",
        PYTHONHASHSEED="0",
    )
    return env


def prepare_table(endpoint: str) -> None:
    import boto3

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(  # the item as Tight's Account model stores it (created_at: epoch seconds)
        TableName=TABLE,
        Item={
            "id": {"S": SEEDED["id"]},
            "name": {"S": SEEDED["name"]},
            "email": {"S": SEEDED["email"]},
            "tags": {"SS": SEEDED["tags"]},
            "created_at": {"N": "1710078052.000000"},
        },
    )


def write_events_module(folder: Path) -> Path:
    """The cold child's events as a Python literal module (the child must not import json)."""
    from bench.events import CONTEXT_SOURCE

    folder.mkdir(parents=True, exist_ok=True)
    post = post_event("__ID__")
    source = (
        f"GET_EVENT = {get_event(ACCOUNT_ID)!r}\n"
        f"GET_EVENT_CHALICE = {get_event(ACCOUNT_ID, chalice=True)!r}\n"
        f"POST_EVENT = {post!r}\n" + CONTEXT_SOURCE
    )
    (folder / "_bench_real_events.py").write_text(source.replace("None", "None"))
    return folder


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prepare(workdir: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    """Build everything that needs the network (pip) before entering the private namespace."""
    prepared = {
        "runtime_dir": str(build.lambda_runtime_dir(workdir / "lambda-runtime")),
        "events_dir": str(write_events_module(workdir / "events")),
        "roots": {k: str(v) for k, v in build.build_sides(workdir / "sides", keys).items()},
    }
    (workdir / "prepared.json").write_text(json.dumps(prepared))
    return prepared


class Runner:
    def __init__(self, settings: Settings, keys: tuple[str, ...], workdir: Path, endpoint: str):
        self.settings, self.keys, self.workdir = settings, keys, workdir
        self.env = lambda_env(endpoint)
        prepared = json.loads((workdir / "prepared.json").read_text())
        self.runtime_dir = Path(prepared["runtime_dir"])
        self.events_dir = Path(prepared["events_dir"])
        self.roots = {k: Path(v) for k, v in prepared["roots"].items()}
        self.samples = Samples()
        self.counter = 0

    def cold(self, key: str, method: str) -> dict[str, float]:
        self.counter += 1
        account_id = f"cold-{key}-{self.counter}"
        result = self.workdir / "cold-result.txt"
        result.unlink(missing_ok=True)
        if key == BASELINE:
            root, module, handler, chalice = self.workdir, "-", "-", False
        else:
            s = side(key)
            root, module, handler, chalice = self.roots[key], s.module, s.handler, s.chalice_routes
        command = [
            *(sys.executable, "-I", "-S", "-B", str(COLD_CHILD), str(result), str(root)),
            *(str(self.runtime_dir), str(self.events_dir), module, handler, method),
            *(account_id, "1" if chalice else "0"),
        ]
        cpu_before, wall_before = _children_cpu(), time.perf_counter()
        done = subprocess.run(
            command, env=self.env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        cpu, wall = _children_cpu() - cpu_before, time.perf_counter() - wall_before
        if done.returncode != 0 or not result.exists():
            raise BenchError(
                f"cold start of {key} {method} failed:\n{done.stderr.decode()[-3000:]}"
            )
        inside_cpu, inside_wall, rss, response = json.loads(result.read_text())
        if key != BASELINE:
            label = f"{side(key).label} (cold)"
            if method == "GET":
                checks.check_get(label, response)
            else:
                checks.check_post(label, response, account_id)
        return {
            "process_cpu_ms": cpu * 1e3,
            "process_wall_ms": wall * 1e3,
            "cpu_ms": inside_cpu / 1e6,
            "wall_ms": inside_wall / 1e6,
            "rss_kib": rss,
        }

    def warm(self, key: str) -> dict[str, Any]:
        self.counter += 1
        s = side(key)
        result = self.workdir / "warm-result.json"
        result.unlink(missing_ok=True)
        spec = {
            "task_root": str(self.roots[key]),
            "runtime_dir": str(self.runtime_dir),
            "repo_root": str(REPO_ROOT),
            "module": s.module,
            "handler": s.handler,
            "label": s.label,
            "prefix": f"warm-{key}-{self.counter}",
            "calls": self.settings.warm_calls,
            "stubbed_calls": self.settings.stubbed_calls,
            "chalice": s.chalice_routes,
            "result": str(result),
        }
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-B", str(WARM_CHILD), json.dumps(spec)],
            env=self.env,
            cwd=self.roots[key],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if done.returncode != 0 or not result.exists():
            raise BenchError(f"warm run of {key} failed:\n{done.stderr.decode()[-3000:]}")
        return json.loads(result.read_text())

    def run(self, seed: int = 0) -> Samples:
        shuffler = random.Random(seed)
        for key in self.keys:  # one untimed pass: answers checked, runtime .pyc in place
            self.cold(key, "GET")
        cold_jobs = [(k, m) for k in (BASELINE, *self.keys) for m in ("GET", "POST")]
        for round_number in range(self.settings.rounds):
            print(f"bench-real: round {round_number + 1}/{self.settings.rounds}", file=sys.stderr)
            shuffler.shuffle(cold_jobs)
            for key, method in cold_jobs:
                self.samples.cold.setdefault((key, method), []).append(self.cold(key, method))
            order = list(self.keys)
            shuffler.shuffle(order)
            for key in order:
                for phase, by_method in self.warm(key).items():
                    for method, series in by_method.items():
                        self.samples.warm.setdefault((key, phase, method), []).append(
                            {
                                "cpu_us": statistics.median(series["cpu_ns"]) / 1e3,
                                "wall_us": statistics.median(series["wall_ns"]) / 1e3,
                            }
                        )
        return self.samples


def start_database() -> Any:
    from tight.tasks.dynamodb_local.ports import free_port
    from tight.tasks.dynamodb_local.process import start
    from tight.testing.dynamodb_local import default_install_dir, ensure_installed

    installation = ensure_installed(default_install_dir())
    return start(installation.dir, free_port(), in_memory=True)


def measure(
    settings: Settings, keys: tuple[str, ...], workdir: Path
) -> tuple[Samples, dict[str, Any]]:
    if not netns.inside():
        raise BenchError(
            "run the real-work benchmark through `python -m bench.real` (it needs "
            "a private network namespace so DynamoDB Local is loopback-only)"
        )
    facts: dict[str, Any] = {"interfaces": netns.interfaces()}
    database = start_database()
    try:
        facts["dynamodb_local"] = database.version
        prepare_table(database.endpoint)
        runner = Runner(settings, keys, workdir, database.endpoint)
        if "tight" in keys:
            tight_root = runner.roots["tight"]
            facts["tight_artifact_files"] = sum(1 for p in tight_root.rglob("*") if p.is_file())
            facts["tight_artifact_pyc_files"] = build.pyc_count(tight_root)
        samples = runner.run()
    finally:
        database.stop()
    return samples, facts


def missing_peers(keys: tuple[str, ...]) -> list[str]:
    import importlib.util

    wanted = {"chalice": "chalice", "powertools": "aws_lambda_powertools"}
    return [k for k in keys if k in wanted and importlib.util.find_spec(wanted[k]) is None]


ALL_KEYS = tuple(s.key for s in SIDES)
