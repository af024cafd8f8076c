"""The stack `invoke template` describes, independent of the format it is written in.

One function per controller behind API Gateway, the DynamoDB tables of the schemas and the
variables of env.dist.yml: `sam` and `serverless` each turn this one description into their
YAML, so the two formats cannot drift apart on what is deployed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PAYLOAD_FORMAT = "2.0"  # an HTTP API's event format (a REST API's is 1.0)


@dataclass(frozen=True)
class Function:
    name: str
    logical_id: str
    path: str
    timeout: int
    memory: int

    @property
    def proxy_path(self) -> str:
        return self.path.rstrip("/") + "/{proxy+}"


@dataclass(frozen=True)
class Table:
    logical_id: str
    properties: dict[str, Any]
    # `my-service-{stage}-accounts` split around the stage, or None for a fixed name.
    name_parts: tuple[str, str] | None

    def resource(self, stage: str, *, sub: bool) -> dict[str, Any]:
        """The schema's resource, its name following the stage (`Fn::Sub` in SAM, a plain
        string for Serverless, which resolves `${sls:stage}` itself)."""
        properties = dict(self.properties)
        if self.name_parts:
            prefix, suffix = self.name_parts
            name = prefix + stage + suffix
            properties["TableName"] = {"Fn::Sub": name} if sub else name
        return {"Type": "AWS::DynamoDB::Table", "Properties": properties}


@dataclass(frozen=True)
class Stack:
    name: str
    runtime: str
    architecture: str
    api: str
    code: str
    stage: str
    environment: dict[str, str]
    functions: list[Function]
    tables: list[Table]


def logical_id(name: str, suffix: str) -> str:
    """`user-events` -> `UserEventsTable`: CloudFormation ids are alphanumeric."""
    words = re.split(r"[^A-Za-z0-9]+", name)
    base = "".join(word[:1].upper() + word[1:] for word in words if word)
    if not base or not base[0].isalpha():
        base = "T" + base
    return base + suffix
