"""Cheaper flywheel 0.5.4 model plumbing for the common request: build, load, get, save.

flywheel routes every step of building or loading a model through its Python-level
`__setattr__` (dirty tracking, coercion, cache of mutable fields) and `contextmanager`s, and
dynamo3 adds its own wrapping around each call: together the largest warm cost of a Tight
handler after botocore itself. The replacements here leave every model in exactly the state
flywheel's own code leaves it in (same `__dict__`, `__dirty__`, `__cache__`, `__incrs__`,
persisted flag and engine) and send DynamoDB exactly the same request, with the same
arguments seen by dynamo3's hooks. They apply only to "plain" models, whose class inherits
all of flywheel's model plumbing unchanged; any model that overrides one of those methods
keeps flywheel's own code path (kept in `ORIGINALS`).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

ORIGINALS: dict[str, Any] = {}
"""flywheel's own methods, kept by `apply()`."""

HOOKS = (
    "__new__",
    "__setattr__",
    "__getattribute__",
    "_loading",
    "_persisted",
    "persisted_",
    "pk_dict_",
    "mark_dirty_",
    "loading_",
    "post_load_",
    "_reset_cache",
    "set_ddb_val_",
    "ddb_load_",
    "pre_save_",
    "post_save_",
    "ddb_dump_",
    "ddb_dump_field_",
    "_is_field_primary",
)
"""What a model class must inherit from flywheel's Model, untouched, to take the fast path."""

_SENTINEL = object()
_OBJECT_GETATTR = object.__getattribute__
_settled: set[type] = set()
"""Model classes whose `__getattribute__` `_settle_getattribute` set."""
_plain_classes: dict[type, bool] = {}
_plans: dict[type, _Plan] = {}
_LOG = logging.getLogger("flywheel.models")


def _model() -> type:
    from flywheel.models import Model

    return Model


def is_plain(cls: type) -> bool:
    """True when `cls` inherits flywheel's model plumbing (HOOKS) from Model itself and
    nothing but `object` follows Model in its MRO; cached per class.

    Every model class passes here before its first instance exists (`__new__`,
    `ddb_load_`), which is when `_settle_getattribute` gives it its attribute hook.
    """
    known = _plain_classes.get(cls)
    if known is not None:
        return known
    model = _model()
    mro = cls.__mro__
    plain = model in mro and mro[mro.index(model) + 1 :] == (object,)
    if plain:
        for name in HOOKS:
            owner = next((k for k in mro if name in k.__dict__), None)
            ours = name == "__getattribute__" and owner in _settled
            if owner is not None and owner is not model and owner is not object and not ours:
                plain = False
                break
    if model in mro and cls is not model:
        _settle_getattribute(cls, model)
    _plain_classes[cls] = plain
    return plain


def _settle_getattribute(cls: type, model: type) -> None:
    """flywheel reads every attribute of every model through a Python-level hook, only to
    build composite fields on the fly. A model class without composite fields gets
    `object.__getattribute__` (the hook's own result for such a class, at C speed); one with
    composite fields keeps the hook. Only classes that inherit the hook are touched."""
    owner = next(k for k in cls.__mro__ if "__getattribute__" in k.__dict__)
    if owner is not model and owner not in _settled:
        return  # the model defines its own hook: leave it alone
    composite = any(field.composite for field in cls.meta_.fields.values())
    cls.__getattribute__ = model.__dict__["__getattribute__"] if composite else _OBJECT_GETATTR
    _settled.add(cls)


class _Plan:
    """What a plain model class's fields make of every build, load and save, worked out once
    per class (flywheel builds a class's fields when it defines the class)."""

    __slots__ = ("key_names", "mutable", "simple", "validated")

    def __init__(self, cls: type) -> None:
        from flywheel.fields import Field

        meta = cls.meta_
        fields = meta.fields
        self.simple = [(name, field) for name, field in fields.items() if not field.composite]
        self.mutable = [name for name, field in self.simple if field.data_type.mutable]
        # Field.validate does nothing without checks; a Field subclass may validate otherwise.
        self.validated = [
            field
            for field in fields.values()
            if field.check is not None or type(field).validate is not Field.validate
        ]
        keys = [meta.hash_key] if meta.range_key is None else [meta.hash_key, meta.range_key]
        plain_keys = all(not key.composite and "__" not in key.name for key in keys)
        self.key_names = [key.name for key in keys] if plain_keys else None


def _plan(cls: type) -> _Plan:
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _Plan(cls)
    return plan


def _cache_of(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """flywheel's `_reset_cache`: a copy of every mutable field's value."""
    return {name: copy.copy(state[name]) for name in _plan(cls).mutable}


def _fresh(cls: type) -> Any:
    """A new instance in the state flywheel's `Model.__new__` leaves it: every field at its
    (coerced) default, non-null defaults dirty, not persisted."""
    from dynamo3 import is_null

    obj = object.__new__(cls)
    state = obj.__dict__
    state["_loading"] = True
    dirty = []
    for name, field in _plan(cls).simple:
        default = field.default  # a fresh copy per read: one read serves both uses
        state[name] = field.coerce(default)
        if not is_null(default):
            dirty.append(name)
    state["_loading"] = False
    state["_persisted"] = True
    state["__dirty__"] = set(dirty)
    state["__incrs__"] = {}
    state["__cache__"] = _cache_of(cls, state)
    state["_persisted"] = False
    return obj


def apply(model: type, engine: type) -> None:
    """Install the fast paths on flywheel's Model and Engine, keeping the originals."""
    ORIGINALS.update(
        model_new=model.__dict__["__new__"],
        model_ddb_load=model.__dict__["ddb_load_"],
        model_setattr=model.__dict__["__setattr__"],
        engine_save=engine.__dict__["save"],
    )
    model.__new__ = staticmethod(model_new)
    model.ddb_load_ = classmethod(model_ddb_load)
    model.__setattr__ = model_setattr
    engine.save = engine_save


def model_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    """flywheel's `Model.__new__`, without a `__setattr__` call per field."""
    if not is_plain(cls):
        return ORIGINALS["model_new"].__func__(cls, *args, **kwargs)
    return _fresh(cls)


def model_ddb_load(cls: type, engine: Any, data: Any) -> Any:
    """flywheel's `Model.ddb_load_`: decode and coerce each stored value straight into the
    new model, then mark it loaded (persisted, clean, cache of mutable fields)."""
    if not is_plain(cls):
        return ORIGINALS["model_ddb_load"].__func__(cls, engine, data)
    obj = object.__new__(cls)
    state = obj.__dict__
    state["_loading"] = True
    for name, field in _plan(cls).simple:  # defaults for what `data` lacks, as in `_fresh`
        state[name] = field.coerce(field.default)
    # `_fresh`'s keys in its order (a model's __dict__ order is part of its state); their
    # values are set below, so its dirty set and cache copies would be thrown away
    state["_loading"] = False
    state["_persisted"] = state["__dirty__"] = state["__incrs__"] = state["__cache__"] = None
    fields = cls.meta_.fields
    state["_loading"] = True
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            _LOG.debug("Ignoring undeclared field %r", key)
            continue
        loaded = field.ddb_load(value)
        if not field.composite:
            state[key] = field.coerce(loaded)
    state["_loading"] = False
    if engine is not None:
        state["__engine__"] = engine
    state["_persisted"] = True
    state["__dirty__"] = set()
    state["__incrs__"] = {}
    state["__cache__"] = _cache_of(cls, state)
    return obj


def model_setattr(self: Any, name: str, value: Any) -> None:
    """flywheel's `Model.__setattr__` (coercion, primary key guard, dirty tracking, cache of
    the last stored value), reading the model's state directly instead of through its
    attribute hooks."""
    cls = type(self)
    if not is_plain(cls):
        return ORIGINALS["model_setattr"](self, name, value)
    meta = cls.meta_
    field = meta.fields.get(name)
    if field is None:
        return object.__setattr__(self, name, value)
    if field.composite:
        return None
    state = object.__getattribute__(self, "__dict__")
    persisted = state.get("_persisted", False)
    if persisted:
        related = meta.related_fields[name]
        range_key = meta.range_key
        if meta.hash_key.name in related or (range_key is not None and range_key.name in related):
            if value != getattr(self, name):
                raise AttributeError("Cannot change an item's primary key!")
            return None
    coerced = field.coerce(value)
    if field.data_type.mutable:
        state[name] = coerced
        return None
    old = state.get(name, _SENTINEL)
    if old is _SENTINEL:
        old = getattr(self, name, _SENTINEL)
    try:
        same_value = old is not _SENTINEL and old == coerced
    except Exception:
        same_value = False
    loading = state.get("_loading", False)
    if not loading and same_value:
        return None
    dirty = state.get("__dirty__")
    if not loading and dirty is not None:
        if name in state["__incrs__"]:
            raise ValueError(f"Cannot increment field '{name}' and set it in the same update!")
        dirty.update(meta.related_fields[name])
        dirty.discard(meta.hash_key.name)
        if meta.range_key is not None:
            dirty.discard(meta.range_key.name)
    if not loading and persisted:
        cache = state["__cache__"]
        if name not in cache:
            for related_name in meta.related_fields[name]:
                cache[related_name] = copy.copy(getattr(self, related_name))
    state[name] = coerced
    return None


def engine_get_one(self: Any, model: type, key: dict[str, Any], consistent: bool) -> Any:
    """One item by its key, as dynamo3's `get_item2` reads it (same GetItem arguments), loaded
    into `model`; None when absent. Skips dynamo3's `Result` wrapper (capacity bookkeeping
    that `Engine.get` never reads)."""
    dynamo = self.dynamo
    dynamizer = dynamo.dynamizer
    data = dynamo.call(
        "get_item",
        TableName=model.meta_.ddb_tablename(self.namespace),
        Key=dynamizer.encode_keys(key),
        ConsistentRead=consistent,
        ReturnConsumedCapacity=dynamo._default_capacity(None),
    )
    item = data.get("Item")
    if not item:
        return None
    decode = dynamizer.decode
    return model.ddb_load_(self, {name: decode(value) for name, value in item.items()})


def engine_save(self: Any, items: Any, overwrite: Any = None) -> None:
    """flywheel's `Engine.save`; one plain model with `overwrite=False` is written by the same
    conditional PutItem (`Expected`: its key attributes absent) without dynamo3's generic
    query-argument encoding."""
    if overwrite is None:
        overwrite = self.default_conflict in ("update", "overwrite")
    cls = type(items)
    if overwrite or not is_plain(cls):
        return ORIGINALS["engine_save"](self, items, overwrite)
    plan = _plan(cls)
    key_names = plan.key_names
    if key_names is None:  # a composite key, or a name dynamo3 would treat as an operator
        return ORIGINALS["engine_save"](self, items, overwrite)
    tablename = cls.meta_.ddb_tablename(self.namespace)
    state = items.__dict__
    state["__engine__"] = self  # flywheel's pre_save_: remember the engine, validate
    for field in plan.validated:
        field.validate(items)
    dynamo = self.dynamo
    raw_encode = dynamo.dynamizer.raw_encode
    item = {}  # dynamo3's encode_keys: every non-null value as {type: value}, in field order
    for name, field in cls.meta_.fields.items():
        value = field.ddb_dump(getattr(items, name))
        if value is not None and not (isinstance(value, (set, frozenset)) and not value):
            kind, encoded = raw_encode(value)
            item[name] = {kind: encoded}
    capacity = dynamo._default_capacity(None)
    expected = {name: {"ComparisonOperator": "NULL"} for name in key_names}
    if len(expected) > 1:
        keywords = {
            "Expected": expected,
            "ConditionalOperator": "AND",
            "ReturnConsumedCapacity": capacity,
        }
    else:
        keywords = {"Expected": expected, "ReturnConsumedCapacity": capacity}
    dynamo.call("put_item", TableName=tablename, Item=item, ReturnValues="NONE", **keywords)
    state["_persisted"] = True  # flywheel's post_save_: persisted, clean, cache reset
    state["__dirty__"] = set()
    state["__incrs__"] = {}
    state["__cache__"] = _cache_of(cls, state)
    return None
