import importlib


def test_no_boom(app):
    """The handler module imports cleanly and gives Lambda its `handler(event, context)`.

    It is imported inside the test, after the `app` fixture has loaded env.yml (models read
    NAME and STAGE when they are imported). Test your handlers' answers the way the
    integration test does: `app.<function>(make_event('GET', '/path'), lambda_context)`."""
    module = importlib.import_module('app.functions.{{ cookiecutter.function_name }}.handler')
    assert callable(module.handler)
