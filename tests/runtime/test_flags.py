"""The one yes-or-no parser that env vars, env files, tight.yml and the test kit all use."""

from __future__ import annotations

import pytest

from tight.core.flags import is_true, parse_flag
from tight.providers.aws.clients.dynamo_db import use_local_db
from tight.tasks.env import coerce
from tight.testing import recording


@pytest.mark.parametrize("text", ["true", "True", " YES ", "on", "1", True])
def test_yes_words(text: object) -> None:
    assert parse_flag(text) is True
    assert is_true(text)


@pytest.mark.parametrize("text", ["false", "False", " no", "OFF", "0", False])
def test_no_words(text: object) -> None:
    assert parse_flag(text) is False
    assert not is_true(text)


@pytest.mark.parametrize("text", ["", "maybe", "2", "local", None, 1])
def test_anything_else_is_neither(text: object) -> None:
    assert parse_flag(text) is None
    assert not is_true(text)


@pytest.mark.parametrize("text", ["Yes", "on", "0", "Off", "maybe"])
def test_every_reader_agrees(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """USE_LOCAL_DB, env.yml's booleans and TIGHT_RECORD read the same words the same way."""
    flag = parse_flag(text)
    assert use_local_db({"USE_LOCAL_DB": text}) is (flag is True)
    assert coerce(text, False) == (text if flag is None else flag)
    monkeypatch.setenv(recording.RECORD_ENV, text)
    if flag is None:
        with pytest.raises(ValueError, match="is not understood"):
            recording.record_kind()
    else:
        assert recording.record_kind() == ("local" if flag else None)
