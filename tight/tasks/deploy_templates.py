"""`invoke template [--format sam|serverless]`: infrastructure as code for the app, generated.

Both formats describe the same stack: one function per controller in `app/functions`
(handler `app_index.<name>`) behind API Gateway (proxy integration: path and path/{proxy+},
any method; a REST API, payload 1.0, unless tight.yml says `api: http`: an HTTP API, 2.0),
the DynamoDB tables from `schemas/dynamo/*.yml`, the variables from
`env.dist.yml` plus NAME and STAGE, and DynamoDB permissions scoped to those tables only.
The stage is a deploy-time parameter; table names follow it, as the models compute them
(`<NAME>-<STAGE>-<table>`). The code is the artifact `invoke artifact` builds: this task
builds it (same bytes for the same tree), so the template never names a zip that is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from invoke import Context, task

from tight.tasks.artifact import build_artifact
from tight.tasks.config import AppConfig, env_str, load_config
from tight.tasks.env import read_dist
from tight.tasks.errors import TaskError
from tight.tasks.files import write_atomic

FORMATS = {"sam": "template.yaml", "serverless": "serverless.yml"}
# Serverless Framework v3 (3.40.0) and `osls`, its maintained open fork (4.3.1 on npm, which
# refuses '3'), both package this file offline; Serverless v4 reads it too but needs a login.
FRAMEWORK_VERSION = ">=3.38.0 <5.0.0"
HTTP_API_ID = "HttpApi"
PAYLOAD_FORMAT = "2.0"
DEFAULT_TIMEOUT = 29  # API Gateway's integration timeout: a longer Lambda is never awaited
DEFAULT_MEMORY = 256
TIMEOUTS = range(1, 901)  # Lambda: 1 s to 15 min
MEMORY = range(128, 10241)  # Lambda: 128 MB to 10,240 MB
# One path segment: what API Gateway accepts, or a {param}.
PATH = re.compile(r"/\Z|(/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}))+\Z")
# Lambda's documented limit for all of a function's environment variables together.
LAMBDA_ENV_LIMIT = 4 * 1024
# Set by Lambda itself; a template that sets one fails to deploy (cfn-lint E3663).
RESERVED_ENV = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)
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


def load_functions(config: AppConfig) -> list[Function]:
    from tight.providers.aws.lambda_app.app import AppError, collect_controllers

    try:
        names = collect_controllers(str(config.root))
    except AppError as exc:
        raise TaskError(str(exc)) from exc
    if not names:
        raise TaskError(
            f"no controllers in {config.functions_dir}",
            "generate one with `invoke generate-function NAME`",
        )
    unknown = sorted(set(config.functions) - set(names))
    if unknown:
        raise TaskError(
            f"tight.yml configures functions {', '.join(unknown)}, which have no "
            f"app/functions/<name>/handler.py",
            "fix the names under `functions:` in tight.yml",
        )
    functions, ids, paths = [], {}, {}
    for name in names:
        settings = config.functions.get(name) or {}
        if not isinstance(settings, dict):
            raise TaskError(f"tight.yml: functions.{name} must be a mapping, e.g. {{path: /x}}")
        path = str(settings.get("path") or f"/{name}")
        if not path.startswith("/") or "{proxy+}" in path:
            raise TaskError(
                f"tight.yml: functions.{name}.path {path!r} must start with / "
                "and not contain {proxy+} (added for you)",
                f"use e.g. `path: /{name}`",
            )
        path = check_path(name, path)
        if path in paths:
            raise TaskError(
                f"tight.yml: functions {paths[path]} and {name} both answer on {path} "
                "(API Gateway allows one function per path and method)",
                f"give {name} its own path, e.g. `{name}: {{path: /{name}}}`",
            )
        paths[path] = name
        fid = logical_id(name, "Function")
        if fid in ids:
            raise TaskError(f"functions {ids[fid]} and {name} both map to the id {fid}")
        ids[fid] = name
        functions.append(
            Function(
                name=name,
                logical_id=fid,
                path=path,
                timeout=setting_in_range(name, settings, "timeout", DEFAULT_TIMEOUT, TIMEOUTS),
                memory=setting_in_range(name, settings, "memory_size", DEFAULT_MEMORY, MEMORY),
            )
        )
    return functions


def check_path(name: str, path: str) -> str:
    """`/accounts/` and `/accounts` are one API Gateway resource: normalised, then checked."""
    normal = path.rstrip("/") or "/"
    if "//" in path or not PATH.match(normal):
        raise TaskError(
            f"tight.yml: functions.{name}.path {path!r} is not an API Gateway path: use "
            "segments of letters, digits and - . _ ~ (or {param}), separated by single /",
            f"use e.g. `path: /{name}`",
        )
    return normal


def setting_in_range(
    name: str, settings: dict[str, Any], key: str, default: int, allowed: range
) -> int:
    """`timeout: abc` or `memory_size: 10` named here, not by a traceback or a failed deploy."""
    value = settings.get(key, default)
    text = str(value).strip()
    number = int(text) if not isinstance(value, bool) and text.isdigit() else None
    if number is None or number not in allowed:
        raise TaskError(
            f"tight.yml: functions.{name}.{key} {value!r} must be a whole number from "
            f"{allowed.start} to {allowed.stop - 1} (Lambda's limits)",
            f"use e.g. `{key}: {default}`, or delete it for the default ({default})",
        )
    return number


def check_environment(environment: dict[str, Any]) -> None:
    """What Lambda would refuse at deploy time, refused now: a reserved name, a value that is
    not text, more than 4 KB in all."""
    reserved = sorted(key for key in environment if key in RESERVED_ENV)
    if reserved:
        raise TaskError(
            f"env.dist.yml sets {', '.join(reserved)}, which Lambda reserves and sets itself "
            "(a deploy would fail)",
            "remove it from env.dist.yml; for local runs put it in env.yml (never deployed) "
            "or export it in the shell",
        )
    nested = sorted(key for key, value in environment.items() if isinstance(value, (dict, list)))
    if nested:
        raise TaskError(
            f"env.dist.yml: {', '.join(nested)} must be text, a number or true/false, "
            "not a mapping or a list (environment variables are strings)",
            "write the value as one string, e.g. JSON in quotes, and parse it in the code",
        )
    size = sum(len(k.encode()) + len(env_str(v).encode()) for k, v in environment.items())
    if size > LAMBDA_ENV_LIMIT:
        raise TaskError(
            f"the function's environment variables total {size} bytes, over Lambda's "
            f"{LAMBDA_ENV_LIMIT}-byte (4 KB) limit for all variables together",
            "keep large values in SSM Parameter Store, Secrets Manager or S3, and put only "
            "their names in env.dist.yml",
        )


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


def load_stack(config: AppConfig, code: str) -> Stack:
    dist = read_dist(config.root)
    check_environment({**dist, "NAME": config.name, "STAGE": dist.get("STAGE") or "dev"})
    environment = {key: env_str(value) for key, value in sorted(dist.items())}
    stage = environment.pop("STAGE", "") or "dev"
    environment.pop("NAME", None)
    return Stack(
        name=config.name,
        runtime=config.runtime,
        architecture=config.architecture,
        api=config.api,
        code=code,
        stage=stage,
        environment=environment,
        functions=load_functions(config),
        tables=load_tables(config),
    )


def _table_resource(table: Table, stage: str, *, sub: bool) -> dict[str, Any]:
    """The schema's resource, its name following the stage (`Fn::Sub` in SAM, a plain
    string for Serverless, which resolves `${sls:stage}` itself)."""
    properties = dict(table.properties)
    if table.name_parts:
        prefix, suffix = table.name_parts
        name = prefix + stage + suffix
        properties["TableName"] = {"Fn::Sub": name} if sub else name
    return {"Type": "AWS::DynamoDB::Table", "Properties": properties}


def _sam_event(stack: Stack, path: str) -> dict[str, Any]:
    """An `Api` event on the implicit REST API, or an `HttpApi` event (payload 2.0)."""
    if stack.api == "http":
        properties = {
            "ApiId": {"Ref": HTTP_API_ID},
            "Path": path,
            "Method": "ANY",
            "PayloadFormatVersion": PAYLOAD_FORMAT,
        }
        return {"Type": "HttpApi", "Properties": properties}
    return {"Type": "Api", "Properties": {"Path": path, "Method": "ANY"}}


def sam_template(stack: Stack) -> dict[str, Any]:
    """AWS SAM: `sam deploy --guided` (or the console via `sam package`) deploys it."""
    variables = {**stack.environment, "NAME": stack.name, "STAGE": {"Ref": "Stage"}}
    policies = [{"DynamoDBCrudPolicy": {"TableName": {"Ref": t.logical_id}}} for t in stack.tables]
    resources: dict[str, Any] = {}
    for function in stack.functions:
        properties: dict[str, Any] = {
            "Handler": f"app_index.{function.name}",
            "Runtime": stack.runtime,
            "Architectures": [stack.architecture],
            "CodeUri": stack.code,
            "MemorySize": function.memory,
            "Timeout": function.timeout,
            "Environment": {"Variables": dict(variables)},
            "Events": {
                "Root": _sam_event(stack, function.path),
                "Proxy": _sam_event(stack, function.proxy_path),
            },
        }
        if policies:
            properties["Policies"] = list(policies)
        resources[function.logical_id] = {
            "Type": "AWS::Serverless::Function",
            "Properties": properties,
        }
    for table in stack.tables:
        resources[table.logical_id] = _table_resource(table, "${Stage}", sub=True)
    if stack.api == "http":
        resources[HTTP_API_ID] = {
            "Type": "AWS::Serverless::HttpApi",
            "Properties": {"Description": f"{stack.name}: HTTP API (payload format 2.0)"},
        }
        api_url = {
            "Description": "Base URL of the HTTP API (its $default stage)",
            "Value": {
                "Fn::Sub": f"https://${{{HTTP_API_ID}}}.execute-api.${{AWS::Region}}."
                "${AWS::URLSuffix}/"
            },
        }
    else:
        api_url = {
            "Description": "Base URL of the API (stage Prod of the implicit REST API)",
            "Value": {
                "Fn::Sub": "https://${ServerlessRestApi}.execute-api.${AWS::Region}."
                "${AWS::URLSuffix}/Prod/"
            },
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"{stack.name}: generated by `invoke template` from tight.yml; "
        "regenerate rather than edit",
        "Parameters": {
            "Stage": {
                "Type": "String",
                "Default": stack.stage,
                "AllowedPattern": "[a-z0-9-]+",
                "Description": "Deployment stage: part of every table and function name",
            }
        },
        "Resources": resources,
        "Outputs": {"ApiUrl": api_url},
    }


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
            "Resources": {
                t.logical_id: _table_resource(t, "${sls:stage}", sub=False) for t in stack.tables
            }
        }
    return template


RENDERERS = {"sam": sam_template, "serverless": serverless_template}


class _PlainDumper(yaml.SafeDumper):
    """No `&id001` anchors: every value written out where it is used."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(stack: Stack, fmt: str) -> str:
    header = "# Generated by `invoke template` from tight.yml, env.dist.yml and schemas/dynamo.\n"
    body = yaml.dump(
        RENDERERS[fmt](stack),
        Dumper=_PlainDumper,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
    )
    return header + body


def generate(config: AppConfig, fmt: str = "sam", artifact: str = "") -> tuple[Path, Stack]:
    """Write the template for `fmt`; builds the artifact unless one is named."""
    if fmt not in RENDERERS:
        raise TaskError(f"unknown format {fmt!r}", f"use one of {', '.join(RENDERERS)}")
    load_stack(config, "")  # every setting checked before the artifact is built
    if artifact:
        code_path = Path(artifact).resolve()
        if not code_path.is_file():
            raise TaskError(f"artifact {code_path} does not exist", "run `invoke artifact`")
    else:
        code_path = build_artifact(config).path
    try:
        code = code_path.relative_to(config.root).as_posix()
    except ValueError:
        code = str(code_path)
    stack = load_stack(config, code)
    path = config.root / FORMATS[fmt]
    write_atomic(path, render(stack, fmt))
    return path, stack


@task(
    name="template",
    help={
        "format": "sam (template.yaml, default) or serverless (serverless.yml)",
        "artifact": "the zip to deploy (default: build it now, as `invoke artifact`)",
    },
)
def template(c: Context, format: str = "sam", artifact: str = "") -> None:
    """Write template.yaml (AWS SAM) or serverless.yml for the app and its artifact."""
    config = load_config()
    path, stack = generate(config, format, artifact)
    print(f"wrote {path.relative_to(config.root)} ({format})")
    print(f"  code:      {stack.code}")
    api = "HTTP API (payload 2.0)" if stack.api == "http" else "REST API (payload 1.0)"
    print(f"  api:       {api}  (tight.yml `api: rest|http`)")
    print(f"  functions: {', '.join(f'{f.name} {f.path}' for f in stack.functions)}")
    tables = ", ".join(t.logical_id for t in stack.tables) or "none (no schemas/dynamo/*.yml)"
    print(f"  tables:    {tables}")
    if format == "sam":
        print("deploy: sam deploy --guided --template-file template.yaml")
    else:
        print(f"deploy: serverless deploy --stage {stack.stage}")
