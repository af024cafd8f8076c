import importlib


def test_no_boom():
    """The handler module imports cleanly and defines its GET handler."""
    module = importlib.import_module('app.functions.{{ cookiecutter.function_name }}.handler')
    assert callable(module.get_handler)
