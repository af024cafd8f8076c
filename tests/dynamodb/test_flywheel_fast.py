"""Tight's cheaper flywheel paths leave models and requests exactly as flywheel's own code does.

Every scenario runs twice, once with flywheel's own `Model.__new__`, `ddb_load_`,
`__setattr__` and `Engine.save` put back, once with Tight's, and compares the models' whole
state and the arguments each DynamoDB call was made with. The botocore client is a recorder
(no database needed: tests/dynamodb/test_flywheel_local.py runs the same code on DynamoDB Local).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from dynamo3 import DynamoDBConnection
from flywheel import Composite, Engine, Field, Model
from flywheel.engine import Engine as EngineClass
from flywheel.models import Model as ModelClass

from tight.providers.aws.clients import flywheel_compat, flywheel_fast

flywheel_compat.apply()


class Note(Model):
    __metadata__ = {"_name": "fast-notes"}

    owner = Field(hash_key=True)
    ts = Field(type=int, range_key=True)
    title = Field()
    tags = Field(data_type=set)
    extra = Field(data_type=dict)
    count = Field(type=int, default=3)
    created = Field(type=datetime)
    label = Composite("owner", "title", merge=lambda owner, title: f"{owner}:{title}")


class Tracked(Note):
    """Overrides a piece of flywheel's plumbing, so it must keep flywheel's own code."""

    __metadata__ = {"_name": "fast-tracked"}
    loaded: list[str] = []

    def set_ddb_val_(self, key: str, val: Any) -> None:
        Tracked.loaded.append(key)
        super().set_ddb_val_(key, val)


STORED = {
    "owner": {"S": "ann"},
    "ts": {"N": "7"},
    "title": {"S": "hello"},
    "tags": {"SS": ["a", "b"]},
    "extra": {"S": '{"k": [1, 2]}'},
    "count": {"N": "5"},
    "created": {"N": "1700000000.250000"},
    "undeclared": {"S": "ignored"},
}


class RecordingClient:
    """Stands for botocore's DynamoDB client: records each call, answers like DynamoDB."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("get_item", copy.deepcopy(kwargs)))
        return {"Item": copy.deepcopy(STORED)} if kwargs["Key"]["owner"]["S"] == "ann" else {}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("put_item", copy.deepcopy(kwargs)))
        return {}


def new_engine() -> tuple[Engine, RecordingClient]:
    client = RecordingClient()
    return Engine(dynamo=DynamoDBConnection(client=client)), client


@contextmanager
def flywheel_own_code() -> Iterator[None]:
    """flywheel's own model plumbing and save, for the duration (Tight's get is kept: it
    falls back to dynamo3's `get_item2` + `ddb_load_` for models that are not plain)."""
    names = ("__new__", "ddb_load_", "__setattr__")
    tight_model = {name: ModelClass.__dict__[name] for name in names}
    tight_save = EngineClass.__dict__["save"]
    ModelClass.__new__ = flywheel_fast.ORIGINALS["model_new"]
    ModelClass.ddb_load_ = flywheel_fast.ORIGINALS["model_ddb_load"]
    ModelClass.__setattr__ = flywheel_fast.ORIGINALS["model_setattr"]
    EngineClass.save = flywheel_fast.ORIGINALS["engine_save"]
    flywheel_fast._plain_classes.clear()
    flywheel_fast._plain_classes[Note] = False  # Tight's get then takes dynamo3's path
    try:
        yield
    finally:
        for name, value in tight_model.items():
            setattr(ModelClass, name, value)
        EngineClass.save = tight_save
        flywheel_fast._plain_classes.clear()


def state(model: Model) -> list[tuple[str, Any]]:
    """Everything flywheel keeps on a model, in order (the engine by identity)."""
    return [
        (key, "<engine>" if key == "__engine__" else copy.deepcopy(value))
        for key, value in vars(model).items()
    ]


def both(scenario: Any) -> tuple[Any, Any]:
    """The scenario's result with flywheel's own code, then with Tight's."""
    with flywheel_own_code():
        own = scenario()
    assert flywheel_fast.is_plain(Note)
    return own, scenario()


def test_the_fast_paths_are_installed_and_apply_to_plain_models_only() -> None:
    assert ModelClass.__dict__["__setattr__"] is flywheel_fast.model_setattr
    assert EngineClass.__dict__["save"] is flywheel_fast.engine_save
    assert flywheel_fast.is_plain(Note)
    assert not flywheel_fast.is_plain(Tracked)
    assert not flywheel_fast.is_plain(list)


def test_a_new_model_and_each_change_to_it_match_flywheel() -> None:
    def scenario() -> list[Any]:
        note = Note("ann", 7)
        steps = [state(note)]
        for name, value in [
            ("title", "hi"),
            ("title", "hi"),
            ("count", 3),
            ("count", "4"),
            ("tags", ["x"]),
            ("created", datetime(2024, 1, 2, tzinfo=timezone.utc)),
            ("label", "ignored"),
            ("not_a_field", 1),
        ]:
            try:
                setattr(note, name, value)
                steps.append(state(note))
            except Exception as error:  # flywheel's own errors must match too
                steps.append(repr(error))
        return steps

    own, fast = both(scenario)
    assert fast == own
    assert ("__dirty__", {"title", "count", "label", "created"}) in fast[-1]


def test_a_loaded_model_and_each_change_to_it_match_flywheel() -> None:
    def scenario() -> list[Any]:
        engine, client = new_engine()
        note = engine.get(Note, owner="ann", ts=7)
        steps: list[Any] = [state(note), note.label, client.calls]
        assert engine.get(Note, owner="bob", ts=7) is None
        for name, value in [
            ("title", "hello"),
            ("title", "bye"),
            ("owner", "ann"),
            ("owner", "bob"),
            ("count", 6),
            ("tags", {"c"}),
        ]:
            try:
                setattr(note, name, value)
                steps.append(state(note))
            except Exception as error:
                steps.append(repr(error))
        return steps

    own, fast = both(scenario)
    assert fast == own
    assert own[1] == "ann:hello"
    assert 'AttributeError("Cannot change an item\'s primary key!")' in fast


def test_a_conditional_save_sends_the_same_put_and_leaves_the_same_model() -> None:
    def scenario() -> list[Any]:
        engine, client = new_engine()
        note = Note("ann", 7)
        note.title = "new"
        note.tags = {"t"}
        engine.save(note, overwrite=False)
        note.count = 9
        return [state(note), client.calls]

    own, fast = both(scenario)
    assert fast == own
    ((command, kwargs),) = own[1]
    assert command == "put_item"
    assert kwargs["Expected"] == {
        "owner": {"ComparisonOperator": "NULL"},
        "ts": {"ComparisonOperator": "NULL"},
    }
    assert kwargs["ConditionalOperator"] == "AND"


class Checked(Model):
    """One hash key, a validated field, an empty set and a None: what a save leaves out."""

    __metadata__ = {"_name": "fast-checked"}

    key = Field(hash_key=True)
    size = Field(type=int, check=lambda value: value is not None and value > 0)
    tags = Field(data_type=set)
    note = Field()


@pytest.mark.parametrize("size", [3, 0], ids=["valid", "check fails"])
def test_a_save_validates_and_leaves_out_nulls_as_flywheel_does(size: int) -> None:
    def scenario() -> list[Any]:
        engine, client = new_engine()
        model = Checked("k1")
        model.size = size
        try:
            engine.save(model, overwrite=False)
        except ValueError as error:
            return [repr(error), state(model), client.calls]
        return [state(model), client.calls]

    own, fast = both(scenario)
    assert fast == own
    if size:
        ((command, kwargs),) = own[1]
        assert command == "put_item"
        assert kwargs["Item"] == {"key": {"S": "k1"}, "size": {"N": "3"}}
        assert kwargs["Expected"] == {"key": {"ComparisonOperator": "NULL"}}
        assert "ConditionalOperator" not in kwargs
    else:
        assert "Validation check on field size failed" in own[0]
        assert own[2] == []


def test_models_that_override_flywheel_plumbing_keep_flywheel_code() -> None:
    engine, _ = new_engine()
    Tracked.loaded.clear()
    note = Tracked.ddb_load_(engine, {"owner": "ann", "ts": Decimal(7), "title": "t"})
    assert Tracked.loaded == ["owner", "ts", "title"]
    assert note.label == "ann:t"
    with pytest.raises(AttributeError):
        note.owner = "bob"


class Plain(Model):
    __metadata__ = {"_name": "fast-plain"}

    id = Field(hash_key=True)
    title = Field()


class PlainWithComposite(Plain):
    __metadata__ = {"_name": "fast-plain-composite"}

    slug = Composite("id", "title", merge=lambda id, title: f"{id}-{title}")


def test_attribute_reads_skip_the_hook_only_without_composite_fields() -> None:
    plain = Plain("p1")
    plain.title = "t"
    assert type(plain).__dict__["__getattribute__"] is object.__getattribute__
    assert (plain.id, plain.title, plain.meta_ is Plain.meta_) == ("p1", "t", True)
    child = PlainWithComposite("p2")
    child.title = "x"
    assert child.slug == "p2-x"  # the subclass keeps flywheel's hook for its composite field
    assert type(child).__dict__["__getattribute__"] is ModelClass.__dict__["__getattribute__"]
    assert Note("ann", 1).label == "ann:None"
