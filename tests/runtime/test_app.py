"""The app entry: controller discovery, lazy import, and the errors a broken layout gets."""

from __future__ import annotations

import logging
import sys

import pytest

from tight.providers.aws.lambda_app import app as tight_app

HELLO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
@lambda_proxy.get
def get_handler(*args, **kwargs):
    return {'statusCode': 200, 'body': {'hello': 'world'}}
"""


def test_collect_controllers_is_sorted_and_skips_folders_without_handler(make_app):
    app = make_app({"zeta": HELLO, "alpha": HELLO})
    (app.root / "app" / "functions" / "not_a_controller").mkdir()
    (app.root / "app" / "functions" / "not_a_controller" / "some_module.py").write_text("")
    assert tight_app.collect_controllers(str(app.root)) == ["alpha", "zeta"]


def test_root_is_the_entry_module_folder_not_the_cwd(make_app, tmp_path, monkeypatch):
    app = make_app({"alpha": HELLO})
    monkeypatch.chdir(tmp_path)  # cwd has no app/functions
    index = app.import_index()
    assert tight_app.collect_controllers() == ["alpha"]
    assert callable(index.alpha)


def test_tight_app_root_overrides(make_app, tmp_path, monkeypatch):
    app = make_app({"alpha": HELLO})
    monkeypatch.setenv("TIGHT_APP_ROOT", str(app.root))
    assert tight_app.collect_controllers() == ["alpha"]


def test_handlers_are_imported_on_first_event_only(make_app):
    index = make_app({"alpha": HELLO, "beta": HELLO}).import_index()
    assert "app.functions.alpha.handler" not in sys.modules
    assert index.alpha({"httpMethod": "GET"}, None)["statusCode"] == 200
    assert "app.functions.alpha.handler" in sys.modules
    assert "app.functions.beta.handler" not in sys.modules


@pytest.mark.parametrize("bad", ["my-controller", "2fast", "class"])
def test_invalid_controller_folder_is_a_clear_error(make_app, bad):
    app = make_app({bad: HELLO, "good": HELLO})
    index = app.import_index()  # import never scans, so a bad folder cannot break a cold start
    assert index.good({"httpMethod": "GET"}, None)["statusCode"] == 200
    with pytest.raises(tight_app.AppError, match=f"{bad!r} is not a valid Python identifier"):
        tight_app.collect_controllers(str(app.root))
    with pytest.raises(AttributeError, match="no controller"):
        getattr(index, bad)


def test_controllers_differing_only_in_case_are_rejected(make_app):
    app = make_app({"Accounts": HELLO, "accounts": HELLO})
    with pytest.raises(tight_app.AppError, match="differ only in case"):
        tight_app.collect_controllers(str(app.root))


def test_controller_hidden_by_an_entry_module_name_is_rejected(make_app):
    app = make_app({"app": HELLO})
    index = app.import_index()
    with pytest.raises(tight_app.AppError, match=r"would be hidden by app_index\.app"):
        tight_app.collect_controllers(str(app.root), index)


def test_import_scans_nothing_and_each_controller_costs_one_check(make_app, monkeypatch):
    import os

    app = make_app({f"ctrl_{i}": HELLO for i in range(50)})
    checked: list[str] = []
    real_isfile = os.path.isfile

    def counting_isfile(path):
        checked.append(str(path))
        return real_isfile(path)

    def no_scandir(path):
        raise AssertionError(f"scanned {path} at import")

    monkeypatch.setattr(os, "scandir", no_scandir)
    monkeypatch.setattr(os.path, "isfile", counting_isfile)
    index = app.import_index()
    assert index.ctrl_49({"httpMethod": "GET"}, None)["statusCode"] == 200
    assert [p for p in checked if p.endswith("handler.py")] == [
        str(app.root / "app" / "functions" / "ctrl_49" / "handler.py")
    ]
    assert index.ctrl_49 is index.ctrl_49  # created once, then a plain attribute
    monkeypatch.undo()
    assert {f"ctrl_{i}" for i in range(50)} <= set(dir(index))


def test_unknown_attribute_is_an_attribute_error(make_app):
    index = make_app({"alpha": HELLO}).import_index()
    assert not hasattr(index, "beta")
    assert not hasattr(index, "__wrapped__")


def test_missing_functions_folder_is_a_clear_error(tmp_path):
    with pytest.raises(tight_app.AppError, match="no app/functions folder"):
        tight_app.collect_controllers(str(tmp_path))


def test_run_without_an_entry_module_is_a_clear_error():
    with pytest.raises(tight_app.AppError, match="cannot find the entry module 'nowhere'"):
        tight_app.run("nowhere")


def test_run_uses_the_calling_module_not_a_hard_coded_name(make_app):
    app = make_app(
        {"alpha": HELLO},
        index=("from tight.providers.aws.lambda_app import app as tight_app\ntight_app.run()\n"),
    )
    (app.root / "main.py").write_text((app.root / "app_index.py").read_text())
    sys.path.insert(0, str(app.root))
    import main  # type: ignore[import-not-found]

    assert main.alpha({"httpMethod": "GET"}, None)["statusCode"] == 200
    del sys.modules["main"]


def test_broken_handler_answers_500_then_recovers(make_app, caplog):
    app = make_app({"flaky": "import nonexistent_module_xyz\n"})
    index = app.import_index()
    with caplog.at_level(logging.ERROR, logger="tight"):
        answer = index.flaky({"httpMethod": "GET"}, None)
    assert answer["statusCode"] == 500
    assert "nonexistent_module_xyz" in caplog.text and "flaky" in caplog.text
    app.add_controller("flaky", HELLO)  # fixed on disk: the next event imports it again
    sys.modules.pop("app.functions.flaky.handler", None)
    assert index.flaky({"httpMethod": "GET"}, None)["statusCode"] == 200


def test_module_without_routes_but_with_plain_handler(make_app):
    index = make_app(
        {"plain": "def handler(event, context):\n    return {'statusCode': 418, 'body': ''}\n"}
    ).import_index()
    assert index.plain({"anything": True}, None)["statusCode"] == 418


def test_module_with_neither_routes_nor_handler_answers_500_with_the_fix(make_app, caplog):
    index = make_app({"empty": "x = 1\n"}).import_index()
    with caplog.at_level(logging.ERROR, logger="tight"):
        assert index.empty({"httpMethod": "GET"}, None)["statusCode"] == 500
    assert "defines no handler" in caplog.text and "@lambda_proxy.get" in caplog.text
