"""boto3_client / dynamo_db: lazy, cached, configured from the environment, placebo-visible."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tight.providers.aws.clients import boto3_client, dynamo_db

CLEAN_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION", "USE_LOCAL_DB", "DYNAMODB_ENDPOINT")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in CLEAN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    boto3_client.reset()
    dynamo_db.reset()
    yield monkeypatch
    boto3_client.reset()
    dynamo_db.reset()


def test_importing_the_clients_imports_no_boto3_or_flywheel() -> None:
    code = (
        "import sys\n"
        "from tight.providers.aws.clients import boto3_client, dynamo_db, flywheel_compat\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'boto3', 'botocore', 'flywheel', 'dynamo3', 'yaml', 'invoke'})\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_session_is_created_once_and_reset_drops_it(fresh: pytest.MonkeyPatch) -> None:
    first = boto3_client.session()
    assert boto3_client.session() is first
    boto3_client.reset()
    assert boto3_client.session() is not first


def test_clients_and_resources_are_cached_per_arguments(fresh: pytest.MonkeyPatch) -> None:
    one = boto3_client.client("dynamodb", region_name="eu-west-1")
    assert boto3_client.client("dynamodb", region_name="eu-west-1") is one
    assert boto3_client.client("dynamodb", region_name="us-west-2") is not one
    table_api = boto3_client.resource("dynamodb", region_name="eu-west-1")
    assert boto3_client.resource("dynamodb", region_name="eu-west-1") is table_api


@pytest.mark.parametrize(
    ("env", "local"),
    [
        ({"USE_LOCAL_DB": "True"}, True),
        ({"USE_LOCAL_DB": "true"}, True),
        ({"USE_LOCAL_DB": "1"}, True),
        ({"USE_LOCAL_DB": " TRUE "}, True),
        ({"USE_LOCAL_DB": "false"}, False),
        ({"USE_LOCAL_DB": "0"}, False),
        ({"USE_LOCAL_DB": ""}, False),
        ({}, False),
        ({"DYNAMODB_ENDPOINT": "http://127.0.0.1:9999"}, True),
        ({"USE_LOCAL_DB": "false", "DYNAMODB_ENDPOINT": "http://127.0.0.1:9999"}, True),
    ],
)
def test_local_switch(env: dict[str, str], local: bool) -> None:
    assert dynamo_db.use_local_db(env) is local


def test_local_endpoint_default_and_override() -> None:
    assert dynamo_db.local_endpoint({}) == "http://127.0.0.1:8000"
    assert dynamo_db.local_endpoint({"DYNAMODB_ENDPOINT": "http://h:1"}) == "http://h:1"


def test_region_order_and_error() -> None:
    both = {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}
    assert dynamo_db.region(both) == "eu-west-1"
    assert dynamo_db.region({"AWS_DEFAULT_REGION": "us-east-2"}) == "us-east-2"
    with pytest.raises(dynamo_db.ConfigurationError) as caught:
        dynamo_db.region({"AWS_REGION": " "})
    assert "AWS_REGION" in str(caught.value) and "AWS_DEFAULT_REGION" in str(caught.value)


def test_connect_without_region_names_both_variables(fresh: pytest.MonkeyPatch) -> None:
    with pytest.raises(dynamo_db.ConfigurationError, match="AWS_REGION or AWS_DEFAULT_REGION"):
        dynamo_db.connect()


def test_connect_on_aws_uses_the_regional_endpoint(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    engine = dynamo_db.connect()
    assert engine.dynamo.client.meta.endpoint_url == "https://dynamodb.eu-central-1.amazonaws.com"


def test_connect_local_is_cached_until_the_session_resets(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("AWS_REGION", "us-east-1")
    fresh.setenv("USE_LOCAL_DB", "true")
    engine = dynamo_db.connect()
    assert engine.dynamo.client.meta.endpoint_url == "http://127.0.0.1:8000"
    assert dynamo_db.connect() is engine
    fresh.setenv("DYNAMODB_ENDPOINT", "http://127.0.0.1:8123")
    boto3_client.reset()
    rebuilt = dynamo_db.connect()
    assert rebuilt is not engine
    assert rebuilt.dynamo.client.meta.endpoint_url == "http://127.0.0.1:8123"


LAMBDA_KEYS = {
    "AWS_LAMBDA_FUNCTION_NAME": "accounts",
    "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEY",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
    "AWS_SESSION_TOKEN": "example-token",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {},
            {
                "aws_access_key_id": "ASIAEXAMPLEKEY",
                "aws_secret_access_key": "example-secret",
                "aws_session_token": "example-token",
            },
        ),
        (
            {"AWS_SECURITY_TOKEN": "legacy"},
            {
                "aws_access_key_id": "ASIAEXAMPLEKEY",
                "aws_secret_access_key": "example-secret",
                "aws_session_token": "legacy",
            },
        ),
        (
            {"AWS_SESSION_TOKEN": ""},
            {"aws_access_key_id": "ASIAEXAMPLEKEY", "aws_secret_access_key": "example-secret"},
        ),
        ({"AWS_LAMBDA_FUNCTION_NAME": ""}, {}),
        ({"AWS_PROFILE": "other"}, {}),
        ({"AWS_CREDENTIAL_EXPIRATION": "2030-01-01T00:00:00Z"}, {}),
        ({"AWS_ACCOUNT_ID": "123456789012"}, {}),
        ({"AWS_SECRET_ACCESS_KEY": ""}, {}),
    ],
)
def test_lambda_credentials_only_when_botocore_would_take_the_same_keys(
    change: dict[str, str], expected: dict[str, str]
) -> None:
    assert dynamo_db.lambda_credentials({**LAMBDA_KEYS, **change}) == expected


def test_connect_in_lambda_signs_with_the_keys_botocore_finds(fresh: pytest.MonkeyPatch) -> None:
    for name, value in {**LAMBDA_KEYS, "AWS_REGION": "eu-west-1"}.items():
        fresh.setenv(name, value)
    for name in (
        "AWS_PROFILE",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_ACCOUNT_ID",
    ):
        fresh.delenv(name, raising=False)
    assert "aws_access_key_id" in dynamo_db.client_kwargs()
    ours = dynamo_db.connect().dynamo.client._request_signer._credentials
    botocores = (
        boto3_client.session()
        .client("dynamodb", region_name="eu-west-1")
        ._request_signer._credentials.get_frozen_credentials()
    )
    assert ours.get_frozen_credentials() == botocores
    assert botocores.access_key == "ASIAEXAMPLEKEY" and botocores.token == "example-token"


def test_connect_applies_the_flywheel_compat_fix(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("AWS_REGION", "us-east-1")
    dynamo_db.connect()
    from tight.providers.aws.clients import flywheel_compat

    assert flywheel_compat.is_applied()


@pytest.mark.dynamodb_local
def test_placebo_on_the_session_sees_flywheel_calls(
    dynamodb_local: Any, fresh: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import placebo
    from flywheel import Field, Model

    fresh.setenv("AWS_REGION", "us-east-1")
    fresh.setenv("DYNAMODB_ENDPOINT", dynamodb_local.endpoint)

    class Note(Model):
        __metadata__ = {"_name": "placebo-notes"}
        id = Field(hash_key=True)
        text = Field()

    pill = placebo.attach(boto3_client.session(), data_path=str(tmp_path))
    pill.record()
    engine = dynamo_db.connect()
    engine.register(Note)
    engine.create_schema()
    engine.save(Note(id="n1", text="hello"))
    assert engine.get(Note, id="n1").text == "hello"
    pill.stop()
    engine.delete_schema()

    recorded = sorted(p.name for p in tmp_path.iterdir())
    assert "dynamodb.CreateTable_1.json" in recorded
    assert "dynamodb.BatchWriteItem_1.json" in recorded  # flywheel's save()
    assert "dynamodb.GetItem_1.json" in recorded  # a one-key get() through Tight's compat
    got = json.loads((tmp_path / "dynamodb.GetItem_1.json").read_text())
    assert got["data"]["Item"] == {"id": {"S": "n1"}, "text": {"S": "hello"}}
