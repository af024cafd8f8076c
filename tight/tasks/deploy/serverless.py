"""The stack as a Serverless Framework v3 file (`serverless.yml`), for `serverless deploy`.

The stage is `--stage` (`serverless deploy --stage dev`; `${sls:stage}` inside), which table
names follow; the functions' role gets the same DynamoDB actions SAM's DynamoDBCrudPolicy
grants, on the app's tables and indexes.
"""

from __future__ import annotations

from typing import Any

from tight.tasks.deploy.functions import DEFAULT_MEMORY, DEFAULT_TIMEOUT
from tight.tasks.deploy.stack import PAYLOAD_FORMAT, Stack

# Serverless Framework v3 (3.40.0) and `osls`, its maintained open fork (4.3.1 on npm, which
# refuses '3'), both package this file offline; Serverless v4 reads it too but needs a login.
FRAMEWORK_VERSION = ">=3.38.0 <5.0.0"
# What SAM's DynamoDBCrudPolicy grants; the Serverless template grants the same.
CRUD_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:DescribeTable",
    "dynamodb:ConditionCheckItem",
)


def _serverless_event(stack: Stack, path: str) -> dict[str, Any]:
    if stack.api == "http":
        return {"httpApi": {"path": path, "method": "*"}}
    return {"http": {"path": path, "method": "ANY"}}


def serverless_template(stack: Stack) -> dict[str, Any]:
    """Serverless Framework (v3 syntax): `serverless deploy --stage dev` deploys it."""
    environment = {**stack.environment, "NAME": stack.name, "STAGE": "${sls:stage}"}
    provider: dict[str, Any] = {
        "name": "aws",
        "runtime": stack.runtime,
        "architecture": stack.architecture,
        "stage": f"${{opt:stage, '{stack.stage}'}}",
        "memorySize": DEFAULT_MEMORY,
        "timeout": DEFAULT_TIMEOUT,
        "environment": environment,
    }
    if stack.api == "http":
        provider["httpApi"] = {"payload": PAYLOAD_FORMAT}
    if stack.tables:
        arns = [{"Fn::GetAtt": [t.logical_id, "Arn"]} for t in stack.tables]
        indexes = [{"Fn::Join": ["/", [arn, "index/*"]]} for arn in arns]
        provider["iam"] = {
            "role": {
                "statements": [
                    {"Effect": "Allow", "Action": list(CRUD_ACTIONS), "Resource": arns + indexes}
                ]
            }
        }
    functions = {}
    for function in stack.functions:
        functions[function.name] = {
            "handler": f"app_index.{function.name}",
            "memorySize": function.memory,
            "timeout": function.timeout,
            "events": [
                _serverless_event(stack, function.path),
                _serverless_event(stack, function.proxy_path),
            ],
        }
    template: dict[str, Any] = {
        "service": stack.name,
        "frameworkVersion": FRAMEWORK_VERSION,
        "configValidationMode": "error",
        "provider": provider,
        "package": {"artifact": stack.code},
        "functions": functions,
    }
    if stack.tables:
        template["resources"] = {
            "Resources": {t.logical_id: t.resource("${sls:stage}", sub=False) for t in stack.tables}
        }
    return template
