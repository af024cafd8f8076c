"""Running pip: the interpreter's own pip, as this machine configures it, and its output.

Every pip call of vendoring goes through one `PipRunner` (tests pass their own to prove that
a refused folder never reaches pip). pip is run as `python -m pip` of the interpreter running
the task, so the index, mirror and find-links the user configured for pip apply here too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence

from tight.tasks.errors import output_tail

PipRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def run_pip(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """pip of the interpreter running the task, as the machine configures it (index, mirror)."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def tail(result: subprocess.CompletedProcess[str]) -> str:
    """The last lines pip printed, indented to sit under an `error:` line."""
    return output_tail((result.stderr or "") + (result.stdout or ""), 12, indent="    ")
