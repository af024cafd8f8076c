"""The original Tight's Overview handler and app_index.py, verbatim, answer every method."""

from __future__ import annotations

import json

import pytest

from tests.runtime.conftest import assert_proxy_response

ORIGINAL_OVERVIEW_HANDLER = """\
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get_handler(*args, **kwargs):
    return {
        'statusCode': 200,
        'body': {
            'hello': 'world'
        }
    }

@lambda_proxy.post
def post_handler(*args, **kwargs):
    event = kwargs.pop('event')
    # Process request event...
    # ...
    return {
        'statusCode': 201,
    }

@lambda_proxy.put
def put_handler(*args, **kwargs):
    event = kwargs.pop('event')
    return {
        'statusCode': 200,
    }

@lambda_proxy.patch
def patch_handler(*args, **kwargs):
    pass

@lambda_proxy.delete
def delete_handler(*args, **kwargs):
    pass
"""

EXPECTED = {
    "GET": (200, '{"hello":"world"}'),
    "POST": (201, ""),
    "PUT": (200, ""),
    "PATCH": (204, ""),  # `pass` returns None: documented as 204 No Content
    "DELETE": (204, ""),
    "HEAD": (200, ""),
    "OPTIONS": (204, ""),
}


@pytest.mark.parametrize("method", sorted(EXPECTED))
@pytest.mark.parametrize("version", ["rest_v1_post", "http_v2_post", "alb_post"])
def test_original_overview_every_method(make_app, event, context, method, version):
    index = make_app({"my_controller": ORIGINAL_OVERVIEW_HANDLER}).import_index()
    request = event(version)
    if "httpMethod" in request:
        request["httpMethod"] = method
    else:
        request["requestContext"]["http"]["method"] = method
    answer = index.my_controller(request, context)
    assert_proxy_response(answer)
    assert (answer["statusCode"], answer["body"]) == EXPECTED[method]
    assert answer["headers"]["Access-Control-Allow-Origin"] == "*"


def test_original_expectation_file_body(make_app, context):
    index = make_app({"my_controller": ORIGINAL_OVERVIEW_HANDLER}).import_index()
    answer = index.my_controller({"httpMethod": "GET"}, context)
    # The original Tight's
    # tests/functions/integration/my_controller/expectations/test_get_method.yml:
    assert answer["body"] == '{"hello":"world"}'
    assert json.loads(answer["body"]) == {"hello": "world"}
