"""Property: any event carrying an HTTP method gets a valid proxy response, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.runtime.conftest import assert_proxy_response
from tests.runtime.test_original_overview import ORIGINAL_OVERVIEW_HANDLER

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) | st.text(
    min_size=1, max_size=8
)
headers = st.none() | json_values | st.dictionaries(st.text(max_size=12), st.text(max_size=20))
bodies = (
    st.none()
    | st.text(max_size=40)
    | json_values
    | st.binary(max_size=20).map(lambda b: b.decode("latin-1"))
)


@st.composite
def events(draw):
    event = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4))
    method = draw(methods)
    shape = draw(st.sampled_from(["v1", "v2", "alb"]))
    if shape == "v2":
        event["requestContext"] = {"http": {"method": method}}
        event.pop("httpMethod", None)
    else:
        event["httpMethod"] = method
        if shape == "alb":
            event["requestContext"] = {"elb": {"targetGroupArn": "arn"}}
    event["headers"] = draw(headers)
    event["body"] = draw(bodies)
    event["isBase64Encoded"] = draw(st.none() | st.booleans() | json_values)
    return event


@pytest.fixture(scope="module")
def controller(tmp_path_factory):
    import sys
    import textwrap

    root = tmp_path_factory.mktemp("prop_app")
    folder = root / "tight_test_prop"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "handler.py").write_text(textwrap.dedent(ORIGINAL_OVERVIEW_HANDLER))
    sys.path.insert(0, str(root))
    from tight.providers.aws.lambda_app.app import make_controller

    return make_controller("prop", "tight_test_prop.handler")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_any_event_with_a_method_gets_a_valid_proxy_response(controller, event):
    answer = controller(event, None)
    assert_proxy_response(answer)
    assert 200 <= answer["statusCode"] < 600
