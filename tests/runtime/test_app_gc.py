"""In Lambda, cyclic GC waits from the app's init until its first answer, then freezes init."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tight.providers.aws.lambda_app import app as tight_app

HELLO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
@lambda_proxy.get
def get_handler(*args, **kwargs):
    return {'statusCode': 200, 'body': {'hello': 'world'}}
"""


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    tight_app._gc_deferred = False
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_in_lambda_gc_waits_for_the_first_answer_then_freezes_init(make_app, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "my-service-dev-hello")
    gc.unfreeze()
    index = make_app({"hello": HELLO}).import_index()
    assert not gc.isenabled()  # init (imports, first controller import) runs without GC

    answer = index.hello({"httpMethod": "GET"}, None)

    assert answer["statusCode"] == 200
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what init built is in the permanent generation
    index.hello({"httpMethod": "GET"}, None)
    assert gc.isenabled()


def test_tight_yml_defer_gc_false_opts_out(make_app, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "my-service-dev-hello")
    app = make_app({"hello": HELLO})
    (app.root / "tight.yml").write_text("name: my-service\ndefer_gc: false  # measured\n")
    app.import_index()
    assert gc.isenabled()


def test_outside_lambda_gc_is_left_alone(make_app, monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    make_app({"hello": HELLO}).import_index()
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("name: x\n", True),
        ("defer_gc: true\n", True),
        ("defer_gc: False\n", False),
        ("defer_gc: 'no'\n", False),
        ("defer_gc: off # because\n", False),
        ("  defer_gc: false\n", True),  # nested under another key: not the setting
    ],
)
def test_reading_the_setting(tmp_path, text, wanted):
    (tmp_path / "tight.yml").write_text(text)
    assert tight_app.gc_deferral_wanted(str(tmp_path)) is wanted
