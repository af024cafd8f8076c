"""flywheel 0.5.4 + Tight's compat fix against the official DynamoDB Local.

Self-contained on purpose: test_flywheel_py313.py runs this very file under Python 3.13 in
its own venv (flywheel, dynamo3, boto3, pytest, tight only) against the DynamoDB Local of
the 3.11 session, passed in TIGHT_TEST_DYNAMODB_ENDPOINT.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from flywheel import Field, GlobalIndex, Model

from tight.providers.aws.clients import boto3_client, dynamo_db

ENDPOINT_ENV = "TIGHT_TEST_DYNAMODB_ENDPOINT"
RUN = f"py{sys.version_info.major}{sys.version_info.minor}-{uuid.uuid4().hex[:8]}"
pytestmark = pytest.mark.dynamodb_local
T0 = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=timezone.utc)


class Widget(Model):
    __metadata__ = {
        "_name": f"{RUN}-widgets",
        "throughput": {"read": 1, "write": 1},
        "global_indexes": [GlobalIndex.all("by-owner", "owner", "created")],
    }
    category = Field(hash_key=True)
    name = Field(range_key=True)
    price = Field(data_type=int, index="price-index")
    owner = Field()
    created = Field(data_type=datetime)
    released = Field(data_type=date)
    tags = Field(data_type=set)
    attrs = Field(data_type=dict)


@pytest.fixture(scope="module")
def endpoint(request: pytest.FixtureRequest) -> str:
    """The DynamoDB Local given by the parent run, else the session's one (its tables are
    named after this run, so they meet no other test's)."""
    given = os.environ.get(ENDPOINT_ENV)
    if given:
        return given
    return request.getfixturevalue("dynamodb_local").endpoint


@pytest.fixture(scope="module")
def engine(endpoint: str) -> Iterator[Any]:
    saved = {k: os.environ.get(k) for k in ("DYNAMODB_ENDPOINT", "AWS_REGION", "USE_LOCAL_DB")}
    os.environ.update(DYNAMODB_ENDPOINT=endpoint, AWS_REGION="us-east-1", USE_LOCAL_DB="1")
    boto3_client.reset()
    dynamo_db.reset()
    engine = dynamo_db.connect()
    engine.register(Widget)
    engine.create_schema()
    engine.save(
        [
            Widget(category="tool", name="hammer", price=20, owner="ann", created=T0,
                   released=date(1999, 12, 31), tags={"steel", "heavy"},
                   attrs={"size": "L", "weight": 2}),
            Widget(category="tool", name="saw", price=35, owner="bob",
                   created=T0 + timedelta(days=1), released=date(2001, 1, 1), tags={"steel"},
                   attrs={"teeth": 24}),
            Widget(category="tool", name="wrench", price=12, owner="ann",
                   created=T0 - timedelta(days=400), released=date(1969, 7, 20),
                   tags={"steel", "small"}, attrs={}),
            Widget(category="toy", name="yo-yo", price=3, owner="ann",
                   created=T0 + timedelta(microseconds=1), released=date(2020, 2, 2),
                   tags={"wood"}, attrs={"colors": ["red", "blue"]}),
        ]
    )  # fmt: skip
    yield engine
    engine.delete_schema()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    boto3_client.reset()
    dynamo_db.reset()


def test_schema_created(engine: Any) -> None:
    description = engine.dynamo.describe_table(Widget.meta_.ddb_tablename())
    assert description.hash_key.name == "category"
    assert description.range_key.name == "name"
    assert [i.name for i in description.indexes] == ["price-index"]
    assert [i.name for i in description.global_indexes] == ["by-owner"]


def test_get_round_trips_datetime_date_set_dict(engine: Any) -> None:
    hammer = engine.get(Widget, category="tool", name="hammer")
    assert hammer.created == T0
    assert hammer.created.tzinfo is not None and hammer.created.utcoffset() == timedelta(0)
    assert hammer.released == date(1999, 12, 31)
    assert hammer.tags == {"steel", "heavy"}
    assert hammer.attrs == {"size": "L", "weight": 2}
    assert engine.get(Widget, category="tool", name="wrench").released == date(1969, 7, 20)


def test_query_hash_and_range_condition(engine: Any) -> None:
    tools = engine.query(Widget).filter(category="tool").all()
    assert sorted(w.name for w in tools) == ["hammer", "saw", "wrench"]
    after_h = engine.query(Widget).filter(Widget.category == "tool", Widget.name > "i").all()
    assert sorted(w.name for w in after_h) == ["saw", "wrench"]
    prefix = engine.query(Widget).filter(Widget.category == "tool", Widget.name.beginswith_("s"))
    assert [w.name for w in prefix.all()] == ["saw"]


def test_query_local_index(engine: Any) -> None:
    cheap = (
        engine.query(Widget)
        .filter(Widget.category == "tool", Widget.price < 25)
        .index("price-index")
        .all()
    )
    assert [w.name for w in cheap] == ["wrench", "hammer"]  # ordered by price


def test_query_global_index_with_datetime_range(engine: Any) -> None:
    recent = (
        engine.query(Widget)
        .filter(Widget.owner == "ann", Widget.created >= T0)
        .index("by-owner")
        .all()
    )
    assert [w.name for w in recent] == ["hammer", "yo-yo"]
    assert recent[1].created == T0 + timedelta(microseconds=1)


def test_scan_with_filter(engine: Any) -> None:
    steel = engine.scan(Widget).filter(Widget.tags.contains_("steel")).all()
    assert sorted(w.name for w in steel) == ["hammer", "saw", "wrench"]
    pricey = engine.scan(Widget).filter(Widget.price >= 20).all()
    assert sorted(w.name for w in pricey) == ["hammer", "saw"]


def test_update_with_sync(engine: Any) -> None:
    saw = engine.get(Widget, category="tool", name="saw")
    later = datetime(2030, 1, 1, 0, 0, 0, 999999, tzinfo=timezone.utc)
    saw.price = 40
    saw.created = later
    saw.tags.add("sharp")
    saw.attrs = {"teeth": 30, "nested": {"ok": True}}
    saw.sync()
    fresh = engine.get(Widget, category="tool", name="saw", consistent=True)
    assert (fresh.price, fresh.created, fresh.tags) == (40, later, {"steel", "sharp"})
    assert fresh.attrs == {"teeth": 30, "nested": {"ok": True}}


def test_batch_get(engine: Any) -> None:
    keys = [
        {"category": "tool", "name": "hammer"},
        {"category": "toy", "name": "yo-yo"},
        {"category": "toy", "name": "missing"},
    ]
    found = engine.get(Widget, keys)
    assert sorted(w.name for w in found) == ["hammer", "yo-yo"]
    assert {w.name: w.released for w in found}["yo-yo"] == date(2020, 2, 2)


def test_delete(engine: Any) -> None:
    doomed = Widget(category="junk", name="old", price=1, owner="zed", created=T0)
    engine.save(doomed)
    assert engine.get(Widget, category="junk", name="old") is not None
    engine.delete(doomed)
    assert engine.get(Widget, category="junk", name="old", consistent=True) is None


def test_a_single_key_is_read_with_one_get_item(engine: Any) -> None:
    """flywheel alone sends a one-key BatchGetItem; through Tight it is a GetItem."""
    calls: list[str] = []

    def hook(connection: Any, command: str, kwargs: dict) -> None:
        calls.append(command)

    engine.dynamo.subscribe("precall", hook)
    try:
        hammer = engine.get(Widget, category="tool", name="hammer")
        missing = engine.get(Widget, category="tool", name="no-such-thing")
        fresh = engine.get(Widget, category="tool", name="hammer", consistent=True)
        listed = engine.get(Widget, [{"category": "tool", "name": "hammer"}])
    finally:
        engine.dynamo.unsubscribe("precall", hook)
    assert calls == ["get_item", "get_item", "get_item", "batch_get_item"]
    assert missing is None
    assert hammer.name == fresh.name == listed[0].name == "hammer"
    assert hammer.created == listed[0].created and hammer.tags == listed[0].tags
