"""The benchmark runs and reports every side (it measures; it never asserts a time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_quick_run_reports_every_side(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "latest.json").read_text())
    assert {"bare", "tight"} <= {variant["side"] for variant in report["variants"]}
    assert all(v["warm"]["get_us"] > 0 and v["warm"]["post_us"] > 0 for v in report["variants"])
    assert report["shipped_bytes"]["tight"] > 0
    assert {target["target"] for target in report["targets"]}
    assert "| Tight |" in (tmp_path / "latest.md").read_text()


@pytest.mark.slow
@pytest.mark.dynamodb_local
def test_real_work_bench_quick_run_checks_every_answer(tmp_path):
    """The DynamoDB bench builds the demo as deployed, runs it beside the bare handlers in a
    private network namespace, and checks every side's answers before timing them."""
    done = subprocess.run(
        [*(sys.executable, "-m", "bench.real", "--quick", "--out", str(tmp_path)),
         *("--sides", "bare_client,bare_resource,tight")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "real.json").read_text())
    assert set(report["figures"]) == {"bare_client", "bare_resource", "tight"}
    assert report["facts"]["interfaces"] == ["lo"]  # DynamoDB Local saw loopback only
    assert report["facts"]["tight_artifact_pyc_files"] > 0  # the artifact as built ships .pyc
    for figures in report["figures"].values():
        assert figures["cold_GET_cpu_ms"] > 0 and figures["real_POST_cpu_us"] > 0
    assert {t["target"] for t in report["targets"]} >= {"cold GET ≤ 1.0x bare client"}


def test_a_wrong_answer_stops_the_real_work_bench():
    from bench.real import checks
    from bench.real.events import SEEDED

    right = {"statusCode": 200, "body": json.dumps(SEEDED)}
    checks.check_get("side", right)
    for wrong in (
        {"statusCode": 200, "body": json.dumps({**SEEDED, "tags": ["small", "blue"]})},
        {"statusCode": 404, "body": json.dumps(SEEDED)},
        {"statusCode": 200, "body": "not json"},
    ):
        with pytest.raises(checks.WrongAnswer):
            checks.check_get("side", wrong)
    created = {"id": "x", "name": "New", "email": "new@example.com", "tags": ["a", "b"]}
    checks.check_post("side", {"statusCode": 201, "body": json.dumps(
        {**created, "created_at": "2026-11-25T09:00:00.123456+00:00"})}, "x")  # fmt: skip
    with pytest.raises(checks.WrongAnswer, match="not in UTC"):
        checks.check_post("side", {"statusCode": 201, "body": json.dumps(
            {**created, "created_at": "2026-11-25T09:00:00"})}, "x")  # fmt: skip
