"""The `{{ cookiecutter.function_name }}` resource: one handler per HTTP method.

Lambda handler: `app_index.{{ cookiecutter.function_name }}`. Only the methods written here
answer. Any other method gets 405 with an `Allow` header naming these, as an unimplemented
method of a real API does; HEAD answers like GET without a body, and OPTIONS is the automatic
CORS preflight (writing an `options` handler replaces it).
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


# The original Tight generated a stub for every method. Uncomment one when you write it:
# until then the method is answered 405, while a stub that returns None answers 204 (success)
# without doing anything. A handler may also ask only for what it uses:
# `def post_handler(event, context, principal_id)`, with the body already parsed.
#
# @lambda_proxy.post
# def post_handler(*args, **kwargs):
#     event = kwargs.pop('event')
#     return {'statusCode': 201, 'body': event['body']}
#
#
# @lambda_proxy.put
# def put_handler(*args, **kwargs):
#     pass
#
#
# @lambda_proxy.patch
# def patch_handler(*args, **kwargs):
#     pass
#
#
# @lambda_proxy.delete
# def delete_handler(*args, **kwargs):
#     pass
