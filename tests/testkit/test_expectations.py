"""expected_response_body: written in record mode, read back parsed, never None silently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tight.testing import lifecycle
from tight.testing.expectations import expected_response_body

RESPONSE = {
    "statusCode": 200,
    "headers": {"Access-Control-Allow-Origin": "*"},
    "body": '{"hello":"world"}',
}


@pytest.fixture
def mode(tmp_path: Path) -> Iterator[object]:
    """Switch the record mode for one test: a run of that mode with one test running in it,
    as the `aws_recording` fixture makes one (no Session, no environment: only expectations)."""

    class Switch:
        run: lifecycle.RecordRun | None = None
        test: lifecycle.AwsRecording | None = None

        def record(self) -> None:
            self._switch("local")

        def playback(self) -> None:
            self._switch(None)

        def finish(self, passed: bool) -> None:
            """What the fixture does at teardown: staged expectations are written if passed."""
            assert self.test is not None
            self.test.passed = passed
            self.test.finish()
            self.test.passed = False

        def commit(self) -> None:
            self.finish(passed=True)

        def _switch(self, kind: str | None) -> None:
            self.close()
            self.run = lifecycle.RecordRun(kind)
            lifecycle.begin_run(self.run)
            self.test = lifecycle.AwsRecording(self.run, "test_x.py::test_x", tmp_path / "t.py")
            self._running = lifecycle.running(self.test)
            self._running.__enter__()

        def close(self) -> None:
            if self.run is not None:
                self._running.__exit__(None, None, None)
                lifecycle.end_run(self.run)
                self.run = None

    switch = Switch()
    yield switch
    switch.close()


def test_record_writes_the_original_format_and_returns_the_body(tmp_path: Path, mode) -> None:
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


def test_the_originals_hand_written_file_is_read(tmp_path: Path, mode) -> None:
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
    mode.finish(passed=False)
    assert (tmp_path / "x.yml").read_text() == "body: old\n"
    mode.finish(passed=True)  # nothing staged is left for a later test
    assert (tmp_path / "x.yml").read_text() == "body: old\n"


def test_recording_an_expectation_needs_the_recording_fixture(tmp_path: Path) -> None:
    run = lifecycle.RecordRun("local")
    lifecycle.begin_run(run)
    try:
        with pytest.raises(pytest.fail.Exception, match=r"expected_response_body\(\) needs"):
            expected_response_body(tmp_path, "x.yml", RESPONSE)
    finally:
        lifecycle.end_run(run)
    assert not (tmp_path / "x.yml").exists()
