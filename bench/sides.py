"""The source code of each side's app: the same two endpoints written four ways.

GET answers 200 with {"hello": "world"}; POST parses the JSON body and echoes it with 201.
With N routes, routes are named ctrl_0 .. ctrl_{N-1} and the benchmark calls the last one,
the worst case for a framework that matches routes one by one.
"""

from __future__ import annotations

from textwrap import dedent

from bench.errors import BenchError
from bench.shipped import REPO_ROOT

# Tight's app_index.py and app/__init__.py are read from the app template, so the benchmark
# measures what a generated app contains (the original Tight's entry line, tight vendored in
# app/vendored).
APP_TEMPLATE = REPO_ROOT / "templates" / "app" / "{{cookiecutter.__folder}}"
TEMPLATE_FILES = ("app_index.py", "app/__init__.py", "app/functions/__init__.py")


def _template_file(relative: str) -> str:
    path = APP_TEMPLATE / relative
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise BenchError(
            f"{path} is missing: the Tight fixture copies it from the app template"
        ) from None
    if "{{" in text or "{%" in text:
        raise BenchError(f"{path} now holds template syntax: render it in bench/sides.py")
    return text


# The original Tight's Overview handler, with POST echoing the body Tight has already parsed.
TIGHT_HANDLER = """\
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
    return {
        'statusCode': 201,
        'body': event['body'],
    }
"""

BARE_HANDLER = """\
import json


def handler(event, context):
    method = event['httpMethod']
    if method == 'GET':
        return {'statusCode': 200, 'body': json.dumps({'hello': 'world'})}
    if method == 'POST':
        return {'statusCode': 201, 'body': json.dumps(json.loads(event['body']))}
    return {'statusCode': 405, 'body': ''}
"""


def route_names(count: int) -> list[str]:
    return [f"ctrl_{index}" for index in range(count)]


def tight_files(count: int) -> dict[str, str]:
    """Tight app files (relative path -> source), without the vendored runtime."""
    files = {relative: _template_file(relative) for relative in TEMPLATE_FILES}
    for name in route_names(count):
        files[f"app/functions/{name}/__init__.py"] = ""  # as templates/function generates
        files[f"app/functions/{name}/handler.py"] = TIGHT_HANDLER
    return files


def bare_files() -> dict[str, str]:
    return {"bare_handler.py": BARE_HANDLER}


def powertools_files(count: int) -> dict[str, str]:
    routes = "".join(
        dedent(f"""

            @app.get("/{name}")
            def get_{name}():
                return {{"hello": "world"}}


            @app.post("/{name}")
            def post_{name}():
                return app.current_event.json_body, 201
            """)
        for name in route_names(count)
    )
    source = (
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n\n"
        "app = APIGatewayRestResolver()\n"
        f"{routes}\n\n"
        "def handler(event, context):\n"
        "    return app.resolve(event, context)\n"
    )
    return {"powertools_app.py": source}


def chalice_files(count: int) -> dict[str, str]:
    routes = "".join(
        dedent(f"""

            @app.route("/{name}", methods=["GET"])
            def get_{name}():
                return {{"hello": "world"}}


            @app.route("/{name}", methods=["POST"])
            def post_{name}():
                return Response(body=app.current_request.json_body, status_code=201)
            """)
        for name in route_names(count)
    )
    source = f'from chalice import Chalice, Response\n\napp = Chalice(app_name="bench")\n{routes}'
    return {"chalice_app.py": source}  # `app` is taken by Tight in a shared process
