"""The demo's `accounts` GET and conditional POST written five ways, each as its docs show.

Every side reads one account by id (GetItem) and creates one only if its id is new (PutItem
with `attribute_not_exists(id)`), answering the same JSON as the demo's Tight controller:
`{"id", "name", "email", "tags" (sorted), "created_at" (ISO 8601, UTC)}`. The boto3 clients
are created at module level (the pattern AWS documents for reuse across invocations) and
find DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB, as real code would find AWS.
"""

from __future__ import annotations

from dataclasses import dataclass

BARE_CLIENT = """\
import datetime
import json
import os

import boto3

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")


def as_account(item):
    created = datetime.datetime.fromtimestamp(float(item["created_at"]["N"]), datetime.timezone.utc)
    return {
        "id": item["id"]["S"],
        "name": item.get("name", {}).get("S"),
        "email": item.get("email", {}).get("S"),
        "tags": sorted(item.get("tags", {}).get("SS", ())),
        "created_at": created.isoformat(),
    }


def answer(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}


def handler(event, context):
    if event["httpMethod"] == "GET":
        account_id = event["pathParameters"]["proxy"]
        found = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": account_id}}).get("Item")
        if found is None:
            return answer(404, {"message": "no account %r" % account_id})
        return answer(200, as_account(found))
    body = json.loads(event["body"])
    now = datetime.datetime.now(datetime.timezone.utc)
    item = {"id": {"S": body["id"]}, "created_at": {"N": "%.6f" % now.timestamp()}}
    for field in ("name", "email"):
        if body.get(field) is not None:
            item[field] = {"S": body[field]}
    if body.get("tags"):
        item["tags"] = {"SS": list(body["tags"])}
    try:
        dynamodb.put_item(
            TableName=TABLE, Item=item, ConditionExpression="attribute_not_exists(id)"
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return answer(409, {"message": "account %r exists" % body["id"]})
    print(json.dumps({"message": "account created", "account_id": body["id"]}))
    return answer(201, as_account(item))
"""

BARE_RESOURCE = """\
import datetime
import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def as_account(item):
    created = datetime.datetime.fromtimestamp(float(item["created_at"]), datetime.timezone.utc)
    return {
        "id": item["id"],
        "name": item.get("name"),
        "email": item.get("email"),
        "tags": sorted(item.get("tags") or ()),
        "created_at": created.isoformat(),
    }


def answer(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}


def handler(event, context):
    if event["httpMethod"] == "GET":
        account_id = event["pathParameters"]["proxy"]
        found = table.get_item(Key={"id": account_id}).get("Item")
        if found is None:
            return answer(404, {"message": "no account %r" % account_id})
        return answer(200, as_account(found))
    body = json.loads(event["body"])
    now = datetime.datetime.now(datetime.timezone.utc)
    item = {"id": body["id"], "created_at": Decimal("%.6f" % now.timestamp())}
    for field in ("name", "email"):
        if body.get(field) is not None:
            item[field] = body[field]
    if body.get("tags"):
        item["tags"] = set(body["tags"])
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        return answer(409, {"message": "account %r exists" % body["id"]})
    print(json.dumps({"message": "account created", "account_id": body["id"]}))
    return answer(201, as_account(item))


from decimal import Decimal  # noqa: E402  (boto3's resource layer speaks Decimal)
"""

# Chalice: the tutorial's pattern (a resource Table looked up once, Response for status codes).
CHALICE = """\
import datetime
import os
from decimal import Decimal

import boto3
from chalice import Chalice, Response

app = Chalice(app_name="accounts")
_TABLE = None


def get_table():
    global _TABLE
    if _TABLE is None:
        _TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    return _TABLE


def as_account(item):
    created = datetime.datetime.fromtimestamp(float(item["created_at"]), datetime.timezone.utc)
    return {
        "id": item["id"],
        "name": item.get("name"),
        "email": item.get("email"),
        "tags": sorted(item.get("tags") or ()),
        "created_at": created.isoformat(),
    }


@app.route("/accounts/{account_id}", methods=["GET"])
def get_account(account_id):
    found = get_table().get_item(Key={"id": account_id}).get("Item")
    if found is None:
        return Response(body={"message": "no account %r" % account_id}, status_code=404)
    return as_account(found)


@app.route("/accounts", methods=["POST"])
def create_account():
    body = app.current_request.json_body
    now = datetime.datetime.now(datetime.timezone.utc)
    item = {"id": body["id"], "created_at": Decimal("%.6f" % now.timestamp())}
    for field in ("name", "email"):
        if body.get(field) is not None:
            item[field] = body[field]
    if body.get("tags"):
        item["tags"] = set(body["tags"])
    table = get_table()
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        return Response(body={"message": "account %r exists" % body["id"]}, status_code=409)
    app.log.info("account created %s", body["id"])
    return Response(body=as_account(item), status_code=201)
"""

# Powertools: APIGatewayRestResolver with a module-level Table and Logger, as its examples do.
POWERTOOLS = """\
import datetime
import os
from decimal import Decimal

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

logger = Logger(service="accounts")
app = APIGatewayRestResolver()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def as_account(item):
    created = datetime.datetime.fromtimestamp(float(item["created_at"]), datetime.timezone.utc)
    return {
        "id": item["id"],
        "name": item.get("name"),
        "email": item.get("email"),
        "tags": sorted(item.get("tags") or ()),
        "created_at": created.isoformat(),
    }


@app.get("/accounts/<account_id>")
def get_account(account_id: str):
    found = table.get_item(Key={"id": account_id}).get("Item")
    if found is None:
        return Response(status_code=404, content_type=content_types.APPLICATION_JSON,
                        body={"message": "no account %r" % account_id})
    return as_account(found)


@app.post("/accounts")
def create_account():
    body = app.current_event.json_body
    now = datetime.datetime.now(datetime.timezone.utc)
    item = {"id": body["id"], "created_at": Decimal("%.6f" % now.timestamp())}
    for field in ("name", "email"):
        if body.get(field) is not None:
            item[field] = body[field]
    if body.get("tags"):
        item["tags"] = set(body["tags"])
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        return Response(status_code=409, content_type=content_types.APPLICATION_JSON,
                        body={"message": "account %r exists" % body["id"]})
    logger.info("account created", account_id=body["id"])
    return as_account(item), 201


def handler(event, context):
    return app.resolve(event, context)
"""


@dataclass(frozen=True)
class Side:
    """One way of writing the API: its key, label, module and handler, and route style."""

    key: str
    label: str
    module: str
    handler: str
    source: str | None  # None: Tight, whose code is the demo app built by `invoke artifact`
    chalice_routes: bool = False  # Chalice matches on resourcePath and named path parameters


SIDES = (
    Side("bare_client", "bare boto3 client", "bare_client", "handler", BARE_CLIENT),
    Side("bare_resource", "bare boto3 resource", "bare_resource", "handler", BARE_RESOURCE),
    Side("tight", "Tight (demo accounts, as built)", "app_index", "accounts", None),
    Side("chalice", "Chalice 1.34", "chalice_accounts", "app", CHALICE, chalice_routes=True),
    Side("powertools", "Powertools 3.37", "powertools_accounts", "handler", POWERTOOLS),
)
ALL_KEYS = tuple(side.key for side in SIDES)


def side(key: str) -> Side:
    return next(s for s in SIDES if s.key == key)
