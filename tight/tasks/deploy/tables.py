"""The tables of the stack: one `AWS::DynamoDB::Table` per `schemas/dynamo/<table>.yml`.

Those files are written by `invoke generateschema`. A table named `<NAME>-<STAGE>-<table>`, as
the models compute it, is remembered split around the stage so both formats can make its name
follow the deploy-time stage.
"""

from __future__ import annotations

import yaml

from tight.tasks.config import AppConfig
from tight.tasks.deploy.stack import Table, logical_id
from tight.tasks.errors import TaskError


def load_tables(config: AppConfig) -> list[Table]:
    """Each schemas/dynamo/<table>.yml is one `AWS::DynamoDB::Table` resource."""
    tables, ids = [], {}
    for path in sorted(config.schemas_dir.glob("*.yml")):
        try:
            resource = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise TaskError(
                f"{path} is not valid YAML: {exc}", "run `invoke generateschema`"
            ) from exc
        if not isinstance(resource, dict):
            resource = {}
        properties = resource.get("Properties")
        if resource.get("Type") != "AWS::DynamoDB::Table" or not isinstance(properties, dict):
            raise TaskError(
                f"{path} is not an AWS::DynamoDB::Table resource",
                "regenerate it with `invoke generateschema`",
            )
        table_name = str(properties.get("TableName", ""))
        short = path.stem
        tid = logical_id(short, "Table")
        if tid in ids:
            raise TaskError(f"{ids[tid]} and {path.name} both map to the id {tid}")
        ids[tid] = path.name
        prefix, suffix = f"{config.name}-", f"-{short}"
        follows_stage = (
            table_name.startswith(prefix)
            and table_name.endswith(suffix)
            and len(table_name) > len(prefix) + len(suffix)
        )
        parts = (prefix, suffix) if follows_stage else None
        tables.append(Table(tid, dict(properties), parts))
    return tables
