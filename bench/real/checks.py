"""Every side's answer is checked before it is timed: a wrong answer stops the benchmark."""

from __future__ import annotations

import datetime
import json
from typing import Any

from bench.real.events import NEW_ACCOUNT, SEEDED


class WrongAnswer(Exception):
    """A side answered differently from the demo's accounts API."""


def body_of(label: str, response: Any, status: int) -> dict[str, Any]:
    if not isinstance(response, dict):
        raise WrongAnswer(f"{label} returned {type(response).__name__}, not a dict")
    if response.get("statusCode") != status:
        raise WrongAnswer(
            f"{label} answered {response.get('statusCode')!r}, expected {status}: "
            f"{response.get('body')!r}"
        )
    try:
        body = json.loads(response["body"])
    except (KeyError, TypeError, ValueError):
        raise WrongAnswer(f"{label} answered a body that is not JSON: {response!r}") from None
    if not isinstance(body, dict):
        raise WrongAnswer(f"{label} answered {body!r}, not a JSON object")
    return body


def check_get(label: str, response: Any) -> None:
    body = body_of(label + " GET", response, 200)
    if body != SEEDED:
        raise WrongAnswer(f"{label} GET answered {body}, expected {SEEDED}")


def check_post(label: str, response: Any, account_id: str) -> None:
    body = body_of(label + " POST", response, 201)
    created = body.pop("created_at", None)
    expected = {"id": account_id, **NEW_ACCOUNT}
    if body != expected:
        raise WrongAnswer(f"{label} POST answered {body}, expected {expected} + created_at")
    try:
        moment = datetime.datetime.fromisoformat(str(created))
    except ValueError:
        raise WrongAnswer(f"{label} POST answered created_at {created!r}, not ISO 8601") from None
    if moment.utcoffset() != datetime.timedelta(0):
        raise WrongAnswer(f"{label} POST answered created_at {created!r}, not in UTC")
