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

# The entry line `from app.vendored.tight... import app` and handlers' `import tight...` must
# share one copy of Tight, vendored or only installed in your venv: alias the first to the second.
from tight.vendored_alias import install as _alias_tight  # noqa: E402

_alias_tight(__name__ + ".vendored.tight")
