"""Import paths, as the original Tight set them: code in app/functions imports modules from
app/vendored, app/lib, app/models and app/serializers (and the app root) by name, without
relative imports. The last line makes app_index.py's `app.vendored.tight` the very `tight`
your handlers import, vendored or only installed in your venv (tight/vendored_alias.py tells
how). Keep this file as it is; put your own start-up code in app/lib.

Where they go (the original Tight put all five first): the app root first, as Lambda does
(/var/task); app/vendored in front of every third-party folder, so your pinned packages win
over a layer's (/opt/python) and over the boto3 of Lambda's runtime (/var/runtime, which
Lambda's PYTHONPATH puts before the standard library); app/lib, app/models and
app/serializers right after the standard library. So the many imports of the standard library
that follow (boto3's, yours) are not first looked up in your folders, and a module of yours
named like a standard one (`json.py`, `email.py`) can no longer replace it for every library:
the standard one wins, rename yours. Likewise a vendored package or a layer's wins over a
module of yours of the same name.
"""

import os
import sys

here = os.path.dirname(os.path.realpath(__file__))
_root = os.path.dirname(here)
# None where `os` has no file (an embedded interpreter): then all four go right after the root.
_stdlib = os.path.dirname(os.__file__) if getattr(os, "__file__", None) else None
_version = f"{sys.version_info[0]}{sys.version_info[1]}"
_stdlib_zip = os.path.join(os.path.dirname(_stdlib), f"python{_version}.zip") if _stdlib else None


def _is_stdlib(path: str) -> bool:
    return _stdlib is not None and (
        path in (_stdlib, _stdlib_zip)
        or (path.startswith(_stdlib + os.sep) and "-packages" not in path)
    )


if _root not in sys.path:
    sys.path.insert(0, _root)
_after_stdlib = max((i + 1 for i, p in enumerate(sys.path) if _is_stdlib(p)), default=1)
_vendored_at = next(
    (
        i
        for i, p in enumerate(sys.path[:_after_stdlib])
        if p not in ("", _root) and not _is_stdlib(p)
    ),
    _after_stdlib,
)
for _folder in ("lib", "models", "serializers"):
    if os.path.join(here, _folder) not in sys.path:
        sys.path.insert(_after_stdlib, os.path.join(here, _folder))
if os.path.join(here, "vendored") not in sys.path:
    sys.path.insert(_vendored_at, os.path.join(here, "vendored"))

from tight.vendored_alias import install as _alias_tight  # noqa: E402

_alias_tight(__name__ + ".vendored.tight")
