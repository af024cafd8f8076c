"""Fixtures for the template tests: an offline environment and a freshly generated app."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.templates import helpers


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return helpers.offline_env(tmp_path / "home")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def new_app(workspace: Path, env: dict[str, str]) -> Path:
    return helpers.new_app(workspace, env)
