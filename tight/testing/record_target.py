"""Where `pytest --tight-record` sends the AWS calls it records, checked before any test runs.

Recording writes real items, so its target is never left to chance: by default it is
DynamoDB Local (DYNAMODB_ENDPOINT, else tight.yml's `dynamo_db.port` on 127.0.0.1, where
`invoke rundb` listens), and the run is refused when nothing answers there. Real AWS is used
only with `--tight-record=aws` (or TIGHT_RECORD=aws), which first asks STS who the
credentials belong to and prints the account and region that will be written to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tight.tasks.errors import TaskError

LOCAL = "local"
AWS = "aws"
KINDS = (LOCAL, AWS)
AWS_OPT_IN = "--tight-record=aws"
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


class TargetError(TaskError):
    """Recording cannot start; `problem` says why and `fix` what to do (shown as TaskError's
    `error:`/`fix:` lines)."""


@dataclass(frozen=True)
class Target:
    """A checked recording target."""

    kind: str
    endpoint: str | None = None
    origin: str = ""
    account: str | None = None
    region: str | None = None

    def describe(self) -> str:
        if self.kind == LOCAL:
            return f"DynamoDB Local at {self.endpoint} ({self.origin})"
        return (
            f"REAL AWS: account {self.account}, region {self.region} "
            "(recorded tests write to the real tables there)"
        )


def resolve(kind: str, start: Path) -> Target:
    """Check the target of `kind` (`local` or `aws`); `start` is where to look for tight.yml."""
    if kind == AWS:
        return check_aws()
    return check_local(*local_endpoint(start))


def local_endpoint(start: Path) -> tuple[str, str]:
    """(endpoint, where it came from): DYNAMODB_ENDPOINT, else tight.yml's port, else 8000."""
    explicit = os.environ.get("DYNAMODB_ENDPOINT", "").strip()
    if explicit:
        return explicit.rstrip("/"), "DYNAMODB_ENDPOINT"
    from tight.tasks.config import CONFIG_FILE, app_root_above, load_config
    from tight.tasks.dynamodb_local.ports import HOST

    folder = app_root_above(start)
    if folder is not None:
        try:
            port = load_config(folder).dynamo_db_port
        except TaskError as exc:
            raise TargetError(exc.problem, exc.fix or f"fix {folder / CONFIG_FILE}") from exc
        return f"http://{HOST}:{port}", f"{CONFIG_FILE} dynamo_db.port"
    return f"http://{HOST}:8000", "the default port; no tight.yml found"


def is_aws_endpoint(endpoint: str) -> bool:
    host = (urlsplit(endpoint).hostname or "").lower()
    return host.endswith(_AWS_HOST_SUFFIXES)


def check_local(endpoint: str, origin: str) -> Target:
    """DynamoDB Local must answer ListTables at `endpoint`; AWS's own endpoints are refused."""
    from tight.tasks.dynamodb_local.running import list_tables

    if is_aws_endpoint(endpoint):
        raise TargetError(
            f"--tight-record records against DynamoDB Local, but {origin} is {endpoint}, "
            "an AWS endpoint",
            f"unset DYNAMODB_ENDPOINT to use `invoke rundb`'s DynamoDB Local, or opt in to "
            f"real AWS explicitly with `pytest {AWS_OPT_IN}`",
        )
    if urlsplit(endpoint).scheme != "http" or list_tables(endpoint) is None:
        raise TargetError(
            f"--tight-record records against DynamoDB Local, but nothing answers at "
            f"{endpoint} (from {origin}); no test was run",
            "start it in another terminal with `invoke rundb` (it runs until Ctrl-C), then "
            "run `pytest --tight-record` again; or point DYNAMODB_ENDPOINT at a running "
            f"DynamoDB Local; to record against real AWS instead: `pytest {AWS_OPT_IN}`",
        )
    return Target(LOCAL, endpoint=endpoint, origin=origin)


def check_aws() -> Target:
    """Who the credentials are and which region: both are printed before anything runs."""
    import boto3.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session()
    region = session.region_name
    if not region:
        raise TargetError(
            f"{AWS_OPT_IN} needs an AWS region, and none is configured",
            "set AWS_DEFAULT_REGION (or AWS_REGION / a profile's region)",
        )
    if session.get_credentials() is None:
        raise TargetError(
            f"{AWS_OPT_IN} needs AWS credentials, and none were found",
            "configure them (`aws configure`, AWS_PROFILE, or AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY); or record against DynamoDB Local: `pytest --tight-record`",
        )
    config = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1})
    try:
        identity: dict[str, Any] = session.client("sts", config=config).get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        raise TargetError(
            f"{AWS_OPT_IN}: could not tell which AWS account the credentials belong to ({exc})",
            "check the credentials and the network; nothing was recorded",
        ) from exc
    return Target(AWS, account=str(identity.get("Account")), region=region)
