"""Run the whole real-work benchmark inside a private network namespace.

DynamoDB Local 3.3.0 listens on every interface and has no option to bind loopback only. In a
fresh network namespace the only interface is `lo`, so the database, and every client timed
against it, can reach nothing but 127.0.0.1, whatever the machine's network looks like.
As root that is `unshare --net`; otherwise `unshare --net --map-root-user` (user namespaces).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.errors import BenchError

MARKER = "TIGHT_BENCH_PRIVATE_NET"


def interfaces() -> list[str]:
    """Network interfaces of this process's namespace (/proc/self/net/dev, unlike /sys/class/net,
    follows the namespace of the reader)."""
    try:
        lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]
    except OSError:
        return []
    return sorted(line.split(":", 1)[0].strip() for line in lines if ":" in line)


def inside() -> bool:
    """True once re-executed by `reexec_inside` (never re-execute twice); raises when the
    namespace holds anything but loopback."""
    if os.environ.get(MARKER) != "1":
        return False
    if interfaces() != ["lo"]:
        raise BenchError(
            f"expected a private network namespace with only `lo`, found {interfaces()}"
        )
    return True


def unshare_command(argv: Sequence[str]) -> list[str]:
    """`unshare --net [...] -- sh -c 'ip link set lo up && exec "$@"' sh ARGV...`."""
    unshare = shutil.which("unshare")
    ip = shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).exists():
        raise BenchError(
            "the real-work benchmark confines DynamoDB Local to loopback in a private network "
            "namespace and needs `unshare` and `ip` (Debian: apt-get install util-linux iproute2)"
        )
    user_ns = [] if os.geteuid() == 0 else ["--map-root-user"]
    script = f'{ip} link set lo up && exec "$@"'
    return [unshare, "--net", *user_ns, "--", "sh", "-c", script, "sh", *argv]


def reexec_inside(argv: Sequence[str]) -> int:
    """Run `argv` in a private network namespace and return its exit code."""
    env = {**os.environ, MARKER: "1"}
    done = subprocess.run(unshare_command(argv), env=env, check=False)
    if done.returncode != 0 and not os.environ.get("_TIGHT_BENCH_QUIET"):
        print(
            f"bench: the run in a private network namespace exited with {done.returncode}",
            file=sys.stderr,
        )
    return done.returncode
