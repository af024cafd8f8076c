"""`invoke generateschema`: one CloudFormation `AWS::DynamoDB::Table` YAML per flywheel model.

Beyond flywheel's own metadata (`_name`, `throughput`, `global_indexes`), a model may declare
in `__metadata__`:

    'billing_mode': 'PAY_PER_REQUEST'        # on-demand; no ProvisionedThroughput anywhere
    'ttl': 'expires_at'                      # TimeToLiveSpecification on that attribute
    'stream': 'NEW_AND_OLD_IMAGES'           # StreamSpecification (True means this view)

Output is canonical (sorted keys and attributes, indexes by name), so the same models always
give the same bytes, and every file is written atomically after all models were built.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from invoke import task

from tight.tasks.config import load_config
from tight.tasks.errors import TaskError
from tight.tasks.files import write_atomic
from tight.tasks.models import discover_models

BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
STREAM_VIEWS = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")


def table_resource(model: type[Any]) -> dict[str, Any]:
    """The CloudFormation resource for one model (a plain dict, ready for YAML/JSON)."""
    meta = model.meta_
    name = model.__name__
    billing = str(getattr(meta, "billing_mode", "PROVISIONED")).upper()
    if billing not in BILLING_MODES:
        raise TaskError(
            f"model {name}: billing_mode {billing!r} is not valid",
            f"use one of {', '.join(BILLING_MODES)} in __metadata__",
        )
    provisioned = billing == "PROVISIONED"
    hash_key, range_key = meta.hash_key, meta.range_key
    attributes: dict[str, str] = {hash_key.name: hash_key.ddb_data_type}
    if range_key is not None:
        attributes[range_key.name] = range_key.ddb_data_type

    properties: dict[str, Any] = {
        "TableName": meta.ddb_tablename(),
        "KeySchema": _key_schema(hash_key.name, range_key.name if range_key else None),
    }
    if provisioned:
        properties["ProvisionedThroughput"] = _throughput(meta.throughput)
    else:
        properties["BillingMode"] = "PAY_PER_REQUEST"

    local_indexes = []
    for field in sorted(meta.fields.values(), key=lambda f: f.name):
        if not field.index:
            continue
        index = field.get_ddb_index()
        attributes[field.name] = field.ddb_data_type
        local_indexes.append(
            {
                "IndexName": index.name,
                "KeySchema": _key_schema(hash_key.name, field.name),
                "Projection": _projection(index),
            }
        )
    if local_indexes:
        properties["LocalSecondaryIndexes"] = sorted(local_indexes, key=lambda i: i["IndexName"])

    global_indexes = []
    for gindex in meta.global_indexes:
        index = gindex.get_ddb_index(meta.fields)
        for key in (gindex.hash_key, gindex.range_key):
            if key is not None:
                attributes[key] = meta.fields[key].ddb_data_type
        entry: dict[str, Any] = {
            "IndexName": index.name,
            "KeySchema": _key_schema(gindex.hash_key, gindex.range_key),
            "Projection": _projection(index),
        }
        if provisioned:
            entry["ProvisionedThroughput"] = _throughput(index.throughput)
        global_indexes.append(entry)
    if global_indexes:
        properties["GlobalSecondaryIndexes"] = sorted(global_indexes, key=lambda i: i["IndexName"])

    properties["AttributeDefinitions"] = [
        {"AttributeName": attr, "AttributeType": attributes[attr]} for attr in sorted(attributes)
    ]
    ttl = getattr(meta, "ttl", None)
    if ttl:
        if not isinstance(ttl, str) or ttl not in meta.fields:
            raise TaskError(
                f"model {name}: ttl must name one of its fields, got {ttl!r}",
                "set 'ttl': '<field name>' in __metadata__ (a Field(data_type=int) or datetime)",
            )
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    stream = getattr(meta, "stream", None)
    if stream:
        view = "NEW_AND_OLD_IMAGES" if stream is True else str(stream).upper()
        if view not in STREAM_VIEWS:
            raise TaskError(
                f"model {name}: stream {stream!r} is not a stream view type",
                f"use True or one of {', '.join(STREAM_VIEWS)}",
            )
        properties["StreamSpecification"] = {"StreamViewType": view}
    return {"Type": "AWS::DynamoDB::Table", "Properties": properties}


def _key_schema(hash_name: str, range_name: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name is not None:
        schema.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return schema


def _throughput(throughput: Any) -> dict[str, int]:
    return {"ReadCapacityUnits": int(throughput.read), "WriteCapacityUnits": int(throughput.write)}


def _projection(index: Any) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection_type}
    if index.include_fields:
        projection["NonKeyAttributes"] = sorted(index.include_fields)
    return projection


def to_yaml(resource: dict[str, Any]) -> str:
    """The original Tight's style: block mappings, innermost ones in flow style, sorted keys."""
    return yaml.safe_dump(resource, default_flow_style=None, sort_keys=True, width=1000)


def short_table_name(table_name: str, app_name: str, stage: str) -> str:
    """`my-service-dev-accounts` -> `accounts`: strip the whole `<NAME>-<STAGE>-` prefix.

    Never splits on `-`, so app names, stages and tables may all contain hyphens. A table
    outside the app's naming scheme keeps its full name.
    """
    prefix = f"{app_name}-{stage}-"
    if app_name and stage and table_name.startswith(prefix) and len(table_name) > len(prefix):
        return table_name[len(prefix) :]
    return table_name


def build_schemas(app_root: Path) -> dict[str, str]:
    """`{file name: YAML text}` for every model of the app; raises before anything is written."""
    models = discover_models(app_root)
    app_name, stage = os.environ.get("NAME", ""), os.environ.get("STAGE", "")
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for model in models:
        resource = table_resource(model)
        file_name = short_table_name(resource["Properties"]["TableName"], app_name, stage) + ".yml"
        if file_name in files:
            raise TaskError(
                f"models {owners[file_name]} and {model.__name__} both map to {file_name}",
                "give each model a distinct `_name` in __metadata__",
            )
        files[file_name] = to_yaml(resource)
        owners[file_name] = model.__name__
    return files


def write_if_changed(path: Path, text: str) -> bool:
    """Write atomically; returns False (and leaves the mtime) when the bytes are unchanged."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


@task
def generateschema(c):  # type: ignore[no-untyped-def]
    """Write schemas/dynamo/<table>.yml (CloudFormation) for every model in app/models."""
    config = load_config()
    files = build_schemas(config.root)
    if not files:
        print(f"no flywheel models in {config.models_dir.relative_to(config.root)}: nothing to do")
        return
    for file_name, text in sorted(files.items()):
        path = config.schemas_dir / file_name
        changed = write_if_changed(path, text)
        state = "wrote" if changed else "unchanged"
        print(f"{state:9} {path.relative_to(config.root)}")
