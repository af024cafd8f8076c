"""Import paths for the app, as the seed set them: code in app/functions imports modules from
app/vendored, app/lib, app/models and app/serializers (and the app root) without relative
imports. Empty this file if you prefer plain package imports, but keep the file."""

import os
import sys

here = os.path.dirname(os.path.realpath(__file__))
for folder in ("vendored", "lib", "models", "serializers", os.pardir):
    path = os.path.normpath(os.path.join(here, folder))
    if path not in sys.path:
        sys.path.insert(0, path)

if not os.path.isdir(os.path.join(here, "vendored", "tight")):
    # Tight is installed in the environment (your dev venv), not vendored yet: make the
    # entry line `from app.vendored.tight... import app` resolve to that same installation.
    from tight._alias import alias_package

    alias_package(__name__ + ".vendored.tight")
