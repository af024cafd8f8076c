"""The functions' environment from env.dist.yml, refused now where Lambda would refuse it.

A reserved name, a value that is not text or more than 4 KB in all each fail a deploy late
and far from the file that caused it; here they fail `invoke template` naming env.dist.yml.
"""

from __future__ import annotations

from typing import Any

from tight.tasks.config import env_str
from tight.tasks.errors import TaskError

# Lambda's documented limit for all of a function's environment variables together.
LAMBDA_ENV_LIMIT = 4 * 1024
# Set by Lambda itself; a template that sets one fails to deploy (cfn-lint E3663).
RESERVED_ENV = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


def check_environment(environment: dict[str, Any]) -> None:
    """What Lambda would refuse at deploy time, refused now: a reserved name, a value that is
    not text, more than 4 KB in all."""
    reserved = sorted(key for key in environment if key in RESERVED_ENV)
    if reserved:
        raise TaskError(
            f"env.dist.yml sets {', '.join(reserved)}, which Lambda reserves and sets itself "
            "(a deploy would fail)",
            "remove it from env.dist.yml; for local runs put it in env.yml (never deployed) "
            "or export it in the shell",
        )
    nested = sorted(key for key, value in environment.items() if isinstance(value, (dict, list)))
    if nested:
        raise TaskError(
            f"env.dist.yml: {', '.join(nested)} must be text, a number or true/false, "
            "not a mapping or a list (environment variables are strings)",
            "write the value as one string, e.g. JSON in quotes, and parse it in the code",
        )
    size = sum(len(k.encode()) + len(env_str(v).encode()) for k, v in environment.items())
    if size > LAMBDA_ENV_LIMIT:
        raise TaskError(
            f"the function's environment variables total {size} bytes, over Lambda's "
            f"{LAMBDA_ENV_LIMIT}-byte (4 KB) limit for all variables together",
            "keep large values in SSM Parameter Store, Secrets Manager or S3, and put only "
            "their names in env.dist.yml",
        )
