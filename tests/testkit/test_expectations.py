"""expected_response_body: written in record mode, read back parsed, never None silently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tight.testing import recording
from tight.testing.expectations import expected_response_body

RESPONSE = {
    "statusCode": 200,
    "headers": {"Access-Control-Allow-Origin": "*"},
    "body": '{"hello":"world"}',
}


@pytest.fixture
def mode() -> Iterator[object]:
    """Switch the record mode for one test and put the session's mode back afterwards."""
    saved = recording._record_mode

    class Switch:
        def record(self) -> None:
            recording.set_record_mode(True)

        def playback(self) -> None:
            recording.set_record_mode(False)

        def commit(self) -> None:
            """What the plugin does when a test passes: staged expectations are written."""
            recording.finish_all(passed=True)

    yield Switch()
    recording.set_record_mode(saved)


def test_record_writes_the_seed_format_and_returns_the_body(tmp_path: Path, mode) -> None:
    mode.record()
    body = expected_response_body(tmp_path, "expectations/test_get.yml", RESPONSE)
    assert body == {"hello": "world"}
    mode.commit()
    path = tmp_path / "expectations" / "test_get.yml"
    assert path.read_text() == (
        'body: \'{"hello":"world"}\'\n'
        "headers: {Access-Control-Allow-Origin: '*'}\n"
        "statusCode: 200\n"
    )
    assert [p.name for p in path.parent.iterdir()] == ["test_get.yml"]  # no temp files left


def test_playback_returns_the_stored_body_parsed(tmp_path: Path, mode) -> None:
    mode.record()
    expected_response_body(tmp_path, "x.yml", RESPONSE)
    mode.commit()
    mode.playback()
    changed = {**RESPONSE, "body": '{"hello":"moon"}'}
    # Playback ignores the actual response: it returns what was stored, for the assert.
    assert expected_response_body(tmp_path, "x.yml", changed) == {"hello": "world"}


def test_the_seeds_hand_written_file_is_read(tmp_path: Path, mode) -> None:
    mode.playback()
    (tmp_path / "expectations").mkdir()
    (tmp_path / "expectations" / "test_get_method.yml").write_text(
        "body: '{\"hello\":\"world\"}'\nheaders: {Access-Control-Allow-Origin: '*'}\n"
        "statusCode: 200\n"
    )
    assert expected_response_body(tmp_path, "expectations/test_get_method.yml", None) == {
        "hello": "world"
    }


def test_a_missing_expectation_fails_with_how_to_record(tmp_path: Path, mode) -> None:
    mode.playback()
    (tmp_path / "test_thing.py").write_text("")
    with pytest.raises(pytest.fail.Exception) as failure:
        expected_response_body(tmp_path, "expectations/nope.yml", RESPONSE)
    message = str(failure.value)
    assert "no expectation at" in message and "nope.yml" in message
    assert f"pytest --tight-record {tmp_path / 'test_thing.py'}" in message


def test_a_file_without_a_body_fails(tmp_path: Path, mode) -> None:
    mode.playback()
    (tmp_path / "x.yml").write_text("statusCode: 200\n")
    with pytest.raises(pytest.fail.Exception, match="has no `body:` entry"):
        expected_response_body(tmp_path, "x.yml", RESPONSE)


def test_recording_something_that_is_not_a_response_fails(tmp_path: Path, mode) -> None:
    mode.record()
    with pytest.raises(pytest.fail.Exception, match="must be a Lambda proxy response"):
        expected_response_body(tmp_path, "x.yml", None)
    mode.commit()
    assert not (tmp_path / "x.yml").exists()


def test_unserialized_bodies_are_stored_as_json_text(tmp_path: Path, mode) -> None:
    mode.record()
    body = expected_response_body(tmp_path, "x.yml", {"statusCode": 201, "body": {"id": 1}})
    assert body == {"id": 1}
    mode.commit()
    stored = yaml.safe_load((tmp_path / "x.yml").read_text())
    assert json.loads(stored["body"]) == {"id": 1}


def test_text_bodies_stay_text(tmp_path: Path, mode) -> None:
    mode.record()
    assert expected_response_body(tmp_path, "x.yml", {"statusCode": 200, "body": "hi"}) == "hi"
    mode.commit()
    mode.playback()
    assert expected_response_body(tmp_path, "x.yml", None) == "hi"


def test_rerecording_overwrites(tmp_path: Path, mode) -> None:
    mode.record()
    expected_response_body(tmp_path, "x.yml", RESPONSE)
    expected_response_body(tmp_path, "x.yml", {**RESPONSE, "body": "[1, 2]"})
    mode.commit()
    mode.playback()
    assert expected_response_body(tmp_path, "x.yml", None) == [1, 2]


def test_a_failing_test_writes_no_expectation(tmp_path: Path, mode) -> None:
    mode.record()
    (tmp_path / "x.yml").write_text("body: old\n")
    expected_response_body(tmp_path, "x.yml", RESPONSE)
    recording.finish_all(passed=False)
    assert (tmp_path / "x.yml").read_text() == "body: old\n"
    recording.finish_all(passed=True)  # nothing staged is left for a later test
    assert (tmp_path / "x.yml").read_text() == "body: old\n"
