"""Import paths, as the original Tight set them: code in app/functions imports modules from
app/vendored, app/lib, app/models and app/serializers (and the app root) by name, without
relative imports. The last line makes app_index.py's `app.vendored.tight` the very `tight`
your handlers import, vendored or only installed in your venv (tight/vendored_alias.py tells
how). Keep this file as it is; put your own start-up code in app/lib."""

import os
import sys

here = os.path.dirname(os.path.realpath(__file__))
for folder in ("vendored", "lib", "models", "serializers", os.pardir):
    path = os.path.normpath(os.path.join(here, folder))
    if path not in sys.path:
        sys.path.insert(0, path)

from tight.vendored_alias import install as _alias_tight  # noqa: E402

_alias_tight(__name__ + ".vendored.tight")
