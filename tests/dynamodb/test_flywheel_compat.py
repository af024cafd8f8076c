"""The datetime/date fix for flywheel 0.5.4 on Python >= 3.10 (no database needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flywheel.fields.types import DateTimeType, DateType
from hypothesis import given
from hypothesis import strategies as st

from tight.providers.aws.clients import flywheel_compat

flywheel_compat.apply()

moments = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
)


def test_apply_is_idempotent() -> None:
    patched = DateTimeType.ddb_load
    assert flywheel_compat.apply() is False
    assert flywheel_compat.is_applied()
    assert DateTimeType.ddb_load is patched


def test_flywheel_original_load_fails_on_this_python() -> None:
    original = flywheel_compat.ORIGINALS["datetime_load"]
    with pytest.raises(TypeError):
        original(DateTimeType(), Decimal("1709251198.123456"))


@given(moments)
def test_datetime_round_trip_is_exact_and_utc(moment: datetime) -> None:
    field = DateTimeType()
    loaded = field.ddb_load(field.ddb_dump(moment))
    assert loaded == moment
    assert loaded.tzinfo is timezone.utc


@given(moments)
def test_dump_matches_flywheel_after_1970(moment: datetime) -> None:
    if moment.year < 1970:
        return
    original = flywheel_compat.ORIGINALS["datetime_dump"]
    assert str(DateTimeType().ddb_dump(moment)) == str(original(DateTimeType(), moment))


def test_before_1970_with_microseconds_is_right() -> None:
    moment = datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=timezone.utc)
    assert DateTimeType().ddb_dump(moment) == Decimal("-0.5")
    original = flywheel_compat.ORIGINALS["datetime_dump"]
    assert original(DateTimeType(), moment) != Decimal("-0.5")  # flywheel's own bug


def test_naive_fields_load_naive_utc() -> None:
    field = DateTimeType(naive=True)
    assert field.ddb_load(Decimal("0.000001")) == datetime(1970, 1, 1, 0, 0, 0, 1)
    assert field.ddb_load(Decimal("0.000001")).tzinfo is None


def test_aware_non_utc_is_stored_as_the_same_instant() -> None:
    moment = datetime(2024, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-7)))
    loaded = DateTimeType().ddb_load(DateTimeType().ddb_dump(moment))
    assert loaded == moment and loaded.hour == 19


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_date_round_trip(day: date) -> None:
    field = DateType()
    assert field.ddb_load(field.ddb_dump(day)) == day


def test_loads_ints_and_floats_too() -> None:
    assert DateTimeType().ddb_load(86400) == datetime(1970, 1, 2, tzinfo=timezone.utc)
    assert DateType().ddb_load(86400.0) == date(1970, 1, 2)


def test_model_attribute_reads_keep_flywheel_semantics() -> None:
    """The cheaper Model.__getattribute__ still builds composite fields and plain reads."""
    from flywheel import Composite, Field, Model

    flywheel_compat.apply()

    class Score(Model):
        __metadata__ = {"_name": "scores"}
        user = Field()
        game = Field()
        id = Composite("user", "game", hash_key=True)
        points = Field(data_type=int)

    score = Score(user="ann", game="chess", points=3)
    assert score.id == "ann:chess"
    score.game = "go"
    assert score.id == "ann:go" and score.points == 3
    assert "game" in score.__dirty__
    assert score.meta_ is Score.meta_
    with pytest.raises(AttributeError):
        score.no_such_attribute  # noqa: B018
    assert Model.__getattribute__ is not flywheel_compat.ORIGINALS["model_getattribute"]
