"""Write where Tight comes from into the new app's requirements and README.

The logic is templates/_shared/tight_source.py: by default the Tight these templates came from
(a git URL pinned to its commit, or a local checkout); an explicit `tight_source` wins.
"""

import json
import os
import sys

# cookiecutter runs this copy from a temp file inside the new folder: find the shared code
# beside the template (an absolute path or a git clone; a relative one from the shell's cwd).
repo_dir = {{ cookiecutter._repo_dir | tojson }}
for base in (repo_dir, os.path.join(os.environ.get("PWD", ""), repo_dir), f"/proc/{os.getppid()}/cwd"):
    shared = os.path.join(base, os.pardir, "_shared")
    if os.path.isfile(os.path.join(shared, "tight_source.py")):
        sys.path.insert(0, shared)
        break
else:
    sys.exit("error: templates/_shared/tight_source.py not found beside the template; "
             "run cookiecutter on the whole Tight repository (a git URL or an absolute path)")

from tight_source import hook_main  # noqa: E402

# tojson escapes ' so the raw string cannot end early.
hook_main(json.loads(r'''{{ cookiecutter | tojson }}'''))
