"""/accounts: create, read, update and delete accounts stored in DynamoDB."""

import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from tight.core import logger
from tight.core.safeget import safeget
from tight.providers.aws.clients import dynamo_db
from dynamo3 import CheckFailed

from Account import Account

FIELDS = ("name", "email", "tags")


def engine():
    return dynamo_db.connect()  # one cached engine per process; no register() needed for CRUD


def account_id(event):
    # The API routes /accounts and /accounts/{proxy+} here (see template.yaml).
    return safeget(event, "pathParameters", "proxy") or safeget(event, "queryStringParameters", "id")


def load(event):
    found = engine().get(Account, id=account_id(event))
    if found is None:
        lambda_proxy.exit_with_response(404, body={"message": f"no account {account_id(event)!r}"})
    return found


def valid_body(event):
    body = event["body"]
    if not isinstance(body, dict) or not set(body) <= {"id", *FIELDS}:
        lambda_proxy.exit_with_response(
            422, body={"message": f"send a JSON object with id and any of {', '.join(FIELDS)}"}
        )
    return body


@lambda_proxy.get
def get_handler(event):
    if account_id(event) is None:
        accounts = sorted(engine().scan(Account).all(), key=lambda account: account.id)
        return {"statusCode": 200, "body": {"accounts": [a.to_dict() for a in accounts]}}
    return {"statusCode": 200, "body": load(event).to_dict()}


@lambda_proxy.post
def post_handler(event, principal_id):
    body = valid_body(event)
    account = Account(body["id"], **{field: body.get(field) for field in FIELDS})
    try:
        engine().save(account, overwrite=False)  # a conditional put: never replaces an account
    except CheckFailed:
        lambda_proxy.exit_with_response(409, body={"message": f"account {account.id!r} exists"})
    logger.info("account created", account_id=account.id, by=principal_id)
    return {"statusCode": 201, "body": account.to_dict()}


@lambda_proxy.put
def put_handler(event):
    account = load(event)
    for field, value in valid_body(event).items():
        if field in FIELDS:
            setattr(account, field, set(value) if field == "tags" else value)
    account.sync()
    return {"statusCode": 200, "body": account.to_dict()}


@lambda_proxy.delete
def delete_handler(event):
    engine().delete(load(event))
    return None  # 204 No Content
