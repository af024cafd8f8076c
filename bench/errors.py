"""The one error type that stops the benchmark with a message instead of a traceback."""


class BenchError(Exception):
    """A problem that stops the benchmark, with the fix in its message."""
