"""API Gateway REST v1 events for the accounts API, routed the way each side declares it."""

from __future__ import annotations

import copy
from typing import Any

from bench.events import rest_v1_event

ACCOUNT_ID = "demo"
SEEDED = {  # what the table holds before any side runs (written through Tight's own model)
    "id": ACCOUNT_ID,
    "name": "Demo",
    "email": "demo@example.com",
    "tags": ["blue", "small"],
    "created_at": "2024-03-10T13:40:52+00:00",
}
NEW_ACCOUNT = {"name": "New", "email": "new@example.com", "tags": ["a", "b"]}


def get_event(account_id: str = ACCOUNT_ID, *, chalice: bool = False) -> dict[str, Any]:
    """GET /accounts/{id}: `{proxy+}` for Tight and the bare handlers, `{account_id}` for
    Chalice (it routes on resourcePath and names the parameter)."""
    resource = "/accounts/{account_id}" if chalice else "/accounts/{proxy+}"
    event = rest_v1_event("GET", resource)
    event["path"] = f"/accounts/{account_id}"
    event["requestContext"]["path"] = "/Prod" + event["path"]
    event["pathParameters"] = {"account_id" if chalice else "proxy": account_id}
    event["requestContext"]["authorizer"] = {"principalId": "bench"}
    return event


def post_event(account_id: str) -> dict[str, Any]:
    """POST /accounts creating `account_id` (must be new: the put is conditional)."""
    event = rest_v1_event("POST", "/accounts", {"id": account_id, **NEW_ACCOUNT})
    event["requestContext"]["authorizer"] = {"principalId": "bench"}
    return event


def post_events(prefix: str, count: int) -> list[dict[str, Any]]:
    """`count` POST events, each creating a different account (`<prefix>-<n>`)."""
    template = post_event(f"{prefix}-0")
    events = []
    for index in range(count):
        event = copy.deepcopy(template)
        event["body"] = event["body"].replace(f'"{prefix}-0"', f'"{prefix}-{index}"')
        events.append(event)
    return events
