"""Import paths for the app, as the original Tight set them: code in app/functions imports
modules from app/vendored, app/lib, app/models and app/serializers (and the app root) without
relative imports. Keep this file as it is: in Lambda, app_index.py finds Tight in app/vendored
through it, and `app.vendored.tight` and `tight` are one package only because of its last line.
Put your own start-up code in app/lib and import it where it is needed."""

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
