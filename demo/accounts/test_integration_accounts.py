"""Integration tests of /accounts: recorded once against DynamoDB Local, replayed offline."""

import json
import os

from tight.core.test_helpers import expected_response_body, playback

here = os.path.dirname(os.path.realpath(__file__))


def call(app, make_event, lambda_context, method, account_id=None, body=None):
    path_params = {"proxy": account_id} if account_id else None
    path = f"/accounts/{account_id}" if account_id else "/accounts"
    event = make_event(method, path, body=body, path_params=path_params, principal_id="user-1")
    return app.accounts(event, lambda_context)


def test_create_then_read_account(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_create_then_read_account.__name__)
    ada = {"id": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "tags": ["admin"]}
    created = call(app, make_event, lambda_context, "POST", body=ada)
    assert created["statusCode"] == 201
    read = call(app, make_event, lambda_context, "GET", "ada")
    assert read["statusCode"] == 200
    body = json.loads(read["body"])
    assert {key: body[key] for key in ada} == ada
    assert body == expected_response_body(here, "expectations/test_create_then_read.yml", read)


def test_update_account(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_update_account.__name__)
    call(app, make_event, lambda_context, "POST", body={"id": "grace", "name": "Grace"})
    updated = call(app, make_event, lambda_context, "PUT", "grace", body={"email": "g@navy.mil"})
    assert updated["statusCode"] == 200
    assert json.loads(updated["body"])["email"] == "g@navy.mil"
    listing = call(app, make_event, lambda_context, "GET")
    ids = [account["id"] for account in json.loads(listing["body"])["accounts"]]
    assert "grace" in ids


def test_delete_account(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_delete_account.__name__)
    call(app, make_event, lambda_context, "POST", body={"id": "linus", "name": "Linus"})
    assert call(app, make_event, lambda_context, "DELETE", "linus")["statusCode"] == 204
    assert call(app, make_event, lambda_context, "GET", "linus")["statusCode"] == 404


def test_invalid_body_is_422(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_invalid_body_is_422.__name__)
    answer = call(app, make_event, lambda_context, "POST", body=["not", "an", "object"])
    assert answer["statusCode"] == 422


def test_create_existing_account_is_409(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_create_existing_account_is_409.__name__)
    call(app, make_event, lambda_context, "POST", body={"id": "alan", "name": "Alan"})
    again = call(app, make_event, lambda_context, "POST", body={"id": "alan", "name": "Other"})
    assert again["statusCode"] == 409
    assert json.loads(again["body"]) == {"message": "account 'alan' exists"}
    read = call(app, make_event, lambda_context, "GET", "alan")
    assert json.loads(read["body"])["name"] == "Alan"  # the first one was kept
