"""The boto3 Session the test kit hands to placebo, and a clean AWS environment for it.

Every Tight client (flywheel's engine included) is built on
`tight.providers.aws.clients.boto3_client.session()`, so attaching placebo to that one
Session sees every call. Clients are cached per process; each test resets them so the
recording attaches to a fresh Session before any client exists.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest

CLIENT_MODULES = (
    "tight.providers.aws.clients.dynamo_db",
    "tight.providers.aws.clients.boto3_client",
)

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
DEFAULT_REGION = "us-east-1"
LOCAL_SWITCHES = ("DYNAMODB_ENDPOINT", "USE_LOCAL_DB")
# Settings that could make botocore read a profile, ask a credential process or SSO, or
# query the instance metadata service: none of that may happen while replaying.
_UNSET_IN_PLAYBACK = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


def prepare_environment(monkeypatch: pytest.MonkeyPatch, target: Any = None) -> None:
    """Playback: dummy credentials, a region, no config files, no IMDS.

    Record against DynamoDB Local (the default): the same offline environment, pointed at
    the checked local endpoint, so the developer's real credentials are never even loaded.
    Record against AWS (`--tight-record=aws`): the developer's configuration, and no local
    endpoint from env.yml can redirect it. `target` is the run's checked `record_target.Target`
    when recording, None in playback.
    """
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    if target is not None and target.kind == "aws":
        for key in LOCAL_SWITCHES:
            monkeypatch.delenv(key, raising=False)
        return
    for key in _UNSET_IN_PLAYBACK:
        monkeypatch.delenv(key, raising=False)
    for key, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    missing = os.devnull
    monkeypatch.setenv("AWS_CONFIG_FILE", missing)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
    if target is not None:
        monkeypatch.setenv("DYNAMODB_ENDPOINT", target.endpoint)
        monkeypatch.setenv("USE_LOCAL_DB", "true")


def point_at(monkeypatch: pytest.MonkeyPatch, target: Any) -> None:
    """Send this test's DynamoDB clients to `target` (record() in a playback run). The
    Session stays (placebo is attached to it); only the engine built for the old endpoint goes."""
    monkeypatch.setenv("DYNAMODB_ENDPOINT", target.endpoint)
    monkeypatch.setenv("USE_LOCAL_DB", "true")
    reset = getattr(sys.modules.get(CLIENT_MODULES[0]), "reset", None)
    if callable(reset):
        reset()


def reset_clients() -> None:
    """Drop cached sessions, clients and engines so the next ones are built fresh."""
    for name in CLIENT_MODULES:
        module = sys.modules.get(name)  # not imported yet means nothing is cached
        reset = getattr(module, "reset", None)
        if callable(reset):
            reset()


def current_session() -> Any:
    """The process-wide boto3 Session of Tight's clients."""
    from tight.providers.aws.clients import boto3_client

    return boto3_client.session()
