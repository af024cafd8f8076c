"""The `{{ cookiecutter.function_name }}` resource: one handler per HTTP method.

Lambda handler: `app_index.{{ cookiecutter.function_name }}`. A method without a handler is
answered 405 with an Allow header; a handler that returns None is answered 204.
To use DynamoDB: `from tight.providers.aws.clients import dynamo_db`, then
`db = dynamo_db.connect()` inside a handler (the engine is made once, on first use).
"""

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
    pass


@lambda_proxy.put
def put_handler(*args, **kwargs):
    pass


@lambda_proxy.patch
def patch_handler(*args, **kwargs):
    pass


@lambda_proxy.options
def options_handler(*args, **kwargs):
    pass


@lambda_proxy.delete
def delete_handler(*args, **kwargs):
    pass
