"""LambdaContext behaves like the object Lambda passes to handlers."""

from __future__ import annotations

from tight.testing.context import LambdaContext


def test_attributes_follow_the_function_name() -> None:
    context = LambdaContext(function_name="my-service-dev-accounts", memory_limit_in_mb=256)
    assert context.invoked_function_arn.endswith(":function:my-service-dev-accounts")
    assert context.log_group_name == "/aws/lambda/my-service-dev-accounts"
    assert context.memory_limit_in_mb == 256
    assert context.function_version == "$LATEST"
    assert "[$LATEST]" in context.log_stream_name


def test_remaining_time_counts_down_from_the_timeout() -> None:
    context = LambdaContext(timeout_ms=1000)
    first = context.get_remaining_time_in_millis()
    assert 0 < first <= 1000
    assert context.get_remaining_time_in_millis() <= first
    assert LambdaContext(timeout_ms=0).get_remaining_time_in_millis() == 0


def test_every_context_has_its_own_request_id() -> None:
    assert LambdaContext().aws_request_id != LambdaContext().aws_request_id
