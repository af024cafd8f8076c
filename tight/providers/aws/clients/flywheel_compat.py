"""Make flywheel 0.5.4's datetime and date fields load on Python >= 3.10; one-key gets cheaper.

flywheel stores datetimes as a Decimal unix timestamp and reads them back with
`datetime.utcfromtimestamp(Decimal)`, which raises TypeError since Python 3.10 (and is
deprecated since 3.12). The replacement does exact Decimal arithmetic from the epoch, so no
microsecond is lost to float rounding, and returns timezone-aware UTC datetimes
(`naive=True` fields keep getting naive UTC ones, as flywheel documents).
Where Tight already patches flywheel it also reads a single key with GetItem (flywheel sends
a BatchGetItem even for one key: more work per call in botocore and DynamoDB alike) and
installs the cheaper model plumbing of `flywheel_fast` (same models, same requests).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tight.providers.aws.clients import flywheel_fast

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MARK = "_tight_compat_patched"
ORIGINALS: dict[str, Any] = {}
"""flywheel's own methods, kept by `apply()` (tests show they fail on this Python)."""


def timestamp_to_datetime(value: Any, naive: bool = False) -> datetime.datetime:
    """A stored unix timestamp (Decimal, int or float) -> UTC datetime, exact to the µs."""
    micros = (Decimal(str(value)) * 1_000_000).to_integral_value(rounding=ROUND_HALF_EVEN)
    moment = EPOCH + datetime.timedelta(microseconds=int(micros))
    return moment.replace(tzinfo=None) if naive else moment


def timestamp_to_date(value: Any) -> datetime.date:
    """A stored unix timestamp -> the UTC calendar date it falls on."""
    return timestamp_to_datetime(value).date()


def datetime_to_timestamp(value: datetime.datetime) -> Decimal:
    """A datetime (naive = UTC, as flywheel assumes) -> exact Decimal seconds, 6 places.

    flywheel's own dump formats `"%d.%s" % (seconds, micros)`, which is wrong before 1970
    (-1 s + 0.5 s becomes -1.5); this keeps its output for every later moment.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    micros = (value - EPOCH) // datetime.timedelta(microseconds=1)
    return Decimal(micros).scaleb(-6)


def _datetime_ddb_dump(self: Any, value: datetime.datetime) -> Decimal:
    return datetime_to_timestamp(value)


def _datetime_ddb_load(self: Any, value: Any) -> datetime.datetime:
    return timestamp_to_datetime(value, naive=getattr(self, "naive", False))


def _date_ddb_load(self: Any, value: Any) -> datetime.date:
    return timestamp_to_date(value)


def _engine_get(
    self: Any, model: Any, pkeys: Any = None, consistent: bool = False, **kwargs: Any
) -> Any:
    """flywheel's `Engine.get`, with a single key (`engine.get(Model, id=...)`) read by one
    GetItem instead of a one-key BatchGetItem (less to send, sign, parse and page through)."""
    if pkeys is not None:
        return ORIGINALS["engine_get"](self, model, pkeys, consistent, **kwargs)
    key = model.meta_.pk_dict(scope=kwargs)
    if flywheel_fast.is_plain(model):
        return flywheel_fast.engine_get_one(self, model, key, consistent)
    table = model.meta_.ddb_tablename(self.namespace)
    item = self.dynamo.get_item2(table, key, consistent=consistent)
    return model.ddb_load_(self, item) if item else None


def _model_getattribute(self: Any, name: str) -> Any:
    """flywheel's `Model.__getattribute__`, same result, without its costly detour.

    flywheel intercepts every attribute read of every model (to build composite fields on
    the fly) and reaches `meta_` through the same Python-level hook, via `super()`: a few
    hundred such reads per request made model loads the biggest warm cost after botocore.
    `meta_` lives on the class, so it is read from there, and the rest goes straight to
    `object.__getattribute__`, as flywheel's `super()` call does.
    """
    if name[:2] != "__" and name[-1:] != "_":
        field = type(self).meta_.fields.get(name)
        if field is not None and field.composite:
            return field.resolve(self)
    return _object_getattribute(self, name)


_object_getattribute = object.__getattribute__


def apply() -> bool:
    """Patch DateTimeType (dump + load), DateType (load), Engine.get (a single key reads
    with GetItem), Model.__getattribute__ (same result, cheaper) and flywheel_fast's paths
    once; True if it patched now."""
    from flywheel.engine import Engine
    from flywheel.fields import types
    from flywheel.models import Model

    if getattr(types.DateTimeType, _MARK, False):
        return False
    ORIGINALS.update(
        datetime_dump=types.DateTimeType.ddb_dump,
        datetime_load=types.DateTimeType.ddb_load,
        date_load=types.DateType.ddb_load,
        engine_get=Engine.get,
        model_getattribute=Model.__getattribute__,
    )
    types.DateTimeType.ddb_dump = _datetime_ddb_dump
    types.DateTimeType.ddb_load = _datetime_ddb_load
    types.DateType.ddb_load = _date_ddb_load
    Engine.get = _engine_get
    Model.__getattribute__ = _model_getattribute
    flywheel_fast.apply(Model, Engine)
    setattr(types.DateTimeType, _MARK, True)
    return True


def is_applied() -> bool:
    """Whether `apply()` already ran in this process."""
    from flywheel.fields import types

    return bool(getattr(types.DateTimeType, _MARK, False))
