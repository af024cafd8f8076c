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
