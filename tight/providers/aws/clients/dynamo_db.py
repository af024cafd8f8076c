"""`connect()`: the cached flywheel Engine that handlers use, on AWS or on DynamoDB Local.

The engine is built on `boto3_client.session()`, so placebo attached to that Session sees
every DynamoDB call flywheel makes. Nothing is imported or connected before the first call.
Local when USE_LOCAL_DB is true (`True`/`true`/`1`) or DYNAMODB_ENDPOINT is set.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from tight.core.flags import is_true
from tight.providers.aws.clients import boto3_client

DEFAULT_LOCAL_ENDPOINT = "http://127.0.0.1:8000"

_lock = threading.RLock()
_engine: Any = None
_engine_session: Any = None


class ConfigurationError(RuntimeError):
    """The environment does not say where DynamoDB is; the message names the fix."""


def use_local_db(environ: dict[str, str] | None = None) -> bool:
    """True when USE_LOCAL_DB is `True`/`true`/`1` or DYNAMODB_ENDPOINT is set."""
    env = os.environ if environ is None else environ
    if env.get("DYNAMODB_ENDPOINT", "").strip():
        return True
    return is_true(env.get("USE_LOCAL_DB"))


def local_endpoint(environ: dict[str, str] | None = None) -> str:
    """DYNAMODB_ENDPOINT, or DynamoDB Local's default address."""
    env = os.environ if environ is None else environ
    return env.get("DYNAMODB_ENDPOINT", "").strip() or DEFAULT_LOCAL_ENDPOINT


def region(environ: dict[str, str] | None = None) -> str:
    """AWS_REGION (set by Lambda), else AWS_DEFAULT_REGION, else a clear error."""
    env = os.environ if environ is None else environ
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = env.get(name, "").strip()
        if value:
            return value
    raise ConfigurationError(
        "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION (e.g. in env.yml: "
        "AWS_DEFAULT_REGION: us-east-1); Lambda sets AWS_REGION itself"
    )


def client_kwargs(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Arguments for `session.client("dynamodb", ...)` from the environment."""
    env = os.environ if environ is None else environ
    kwargs: dict[str, Any] = {"region_name": region(env)}
    if use_local_db(env):
        kwargs["endpoint_url"] = local_endpoint(env)
        # DynamoDB Local (-sharedDb) ignores keys, but botocore must sign with some.
        kwargs["aws_access_key_id"] = env.get("AWS_ACCESS_KEY_ID") or "local"
        kwargs["aws_secret_access_key"] = env.get("AWS_SECRET_ACCESS_KEY") or "local"
    else:
        kwargs.update(lambda_credentials(env))
    return kwargs


def lambda_credentials(environ: dict[str, str] | None = None) -> dict[str, str]:
    """In Lambda, the function role's keys from the environment, for the client to use as is.

    botocore would take the very same keys (its chain tries the environment first), but it
    builds its whole provider chain to get there (profiles, SSO, containers, instance
    metadata...): ~1.4 ms of every cold start. Empty (botocore decides) outside Lambda, when
    a profile is named, when the keys carry an expiry time (botocore refreshes those) or an
    account id (botocore's account-based endpoints).
    """
    env = os.environ if environ is None else environ
    if not env.get("AWS_LAMBDA_FUNCTION_NAME") or env.get("AWS_PROFILE"):
        return {}
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret or env.get("AWS_CREDENTIAL_EXPIRATION") or env.get("AWS_ACCOUNT_ID"):
        return {}
    credentials = {"aws_access_key_id": key, "aws_secret_access_key": secret}
    token = env.get("AWS_SECURITY_TOKEN") or env.get("AWS_SESSION_TOKEN")  # botocore's order
    if token:
        credentials["aws_session_token"] = token
    return credentials


def connect() -> Any:
    """The process-wide flywheel Engine, rebuilt only when the boto3 Session was reset."""
    global _engine, _engine_session
    session = boto3_client.session()
    with _lock:
        if _engine is None or _engine_session is not session:
            from dynamo3 import DynamoDBConnection
            from flywheel import Engine

            from tight.providers.aws.clients import flywheel_compat

            flywheel_compat.apply()
            client = session.client("dynamodb", **client_kwargs())
            _engine = Engine(dynamo=DynamoDBConnection(client=client))
            _engine_session = session
        return _engine


def reset() -> None:
    """Forget the cached engine (tests that change the environment)."""
    global _engine, _engine_session
    with _lock:
        _engine = None
        _engine_session = None
