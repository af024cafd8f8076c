"""`invoke serve` talks to DynamoDB Local at tight.yml's port (what `invoke rundb` runs), never
to AWS by default; when it is not running, the 500 comes with a log line naming `invoke rundb`."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.serve.conftest import write_function
from tight.tasks.dynamodb_local.ports import free_port

pytestmark = pytest.mark.slow

LISTS_TABLES = """
import os

import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from tight.providers.aws.clients import boto3_client, dynamo_db


@lambda_proxy.get
def get_handler():
    client = boto3_client.session().client("dynamodb", **dynamo_db.client_kwargs())
    return {
        "statusCode": 200,
        "body": {
            "tables": client.list_tables()["TableNames"],
            "endpoint": client.meta.endpoint_url,
            "env": {k: os.environ.get(k) for k in ("NAME", "STAGE", "CI")},
        },
    }
"""


def use_port(app: Path, port: int) -> None:
    config = app / "tight.yml"
    config.write_text(config.read_text().replace("port: 8000", f"port: {port}"))
    write_function(app, "tables", LISTS_TABLES)


@pytest.mark.dynamodb_local
def test_functions_reach_dynamodb_local_at_the_rundb_port(
    own_app: Path,
    serve,  # type: ignore[no-untyped-def]
    dynamodb_local,  # type: ignore[no-untyped-def]
) -> None:
    endpoint = dynamodb_local.endpoint
    port = urlsplit(endpoint).port
    assert port is not None
    use_port(own_app, port)
    client = dynamodb_local_client(endpoint)
    client.create_table(
        TableName="my-service-dev-served",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        served = serve(own_app)
        assert f"DynamoDB: http://127.0.0.1:{port} (answering" in served.output
        status, _, body = served.request("GET", "/tables")
        assert status == 200, served.output
        answer = json.loads(body)
        assert "my-service-dev-served" in answer["tables"]
        assert answer["endpoint"] == f"http://127.0.0.1:{port}"
        # The deployed function's environment: env.dist.yml, NAME from tight.yml.
        assert answer["env"] == {"NAME": "my-service", "STAGE": "dev", "CI": "false"}
    finally:
        client.delete_table(TableName="my-service-dev-served")


def dynamodb_local_client(endpoint: str):  # type: ignore[no-untyped-def]
    import boto3

    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def test_without_dynamodb_local_the_500_names_invoke_rundb(own_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    use_port(own_app, port)
    served = serve(own_app)
    assert f"DynamoDB: http://127.0.0.1:{port} (not running yet" in served.output
    status, _, body = served.request("GET", "/tables")
    assert status == 500
    assert json.loads(body)["message"] == "Internal server error"
    output = served.wait_for_output("invoke rundb` in another terminal")
    assert f"DynamoDB Local is not running at http://127.0.0.1:{port}" in output
    assert "amazonaws.com" not in output  # never fell through to AWS
    assert "GET /tables 500 " in output
