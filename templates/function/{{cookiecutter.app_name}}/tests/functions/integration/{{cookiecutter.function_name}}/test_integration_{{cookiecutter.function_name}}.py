import json
import os

from tight.core.test_helpers import expected_response_body, playback

here = os.path.dirname(os.path.realpath(__file__))


def test_get_method(app, dynamo_db_session, make_event, lambda_context):
    # Replays the AWS calls recorded in placebos/test_get_method/ (record: pytest --tight-record).
    playback(__file__, dynamo_db_session, test_get_method.__name__)
    event = make_event('GET', '/{{ cookiecutter.function_name }}')
    actual_response = app.{{ cookiecutter.function_name }}(event, lambda_context)
    actual_response_body = json.loads(actual_response['body'])
    expected_response = expected_response_body(here, 'expectations/test_get_method.yml', actual_response)
    assert actual_response['statusCode'] == 200, 'The response statusCode is 200'
    assert actual_response_body == expected_response, 'Expected response body matches the actual response body.'
