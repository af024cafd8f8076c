"""stdout, stderr and the root logger as the Lambda Python runtime sets them up, for the
benchmark's child processes (cold and warm), which are run as scripts with `python -I`: each
imports this file from its own folder, then takes that folder off `sys.path` again.
"""

import sys
import time


class _Unbuffered:
    """What the Lambda runtime puts in sys.stdout / sys.stderr: a flush after every write."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, name):
        return getattr(self.stream, name)

    def write(self, text):
        self.stream.write(text)
        self.stream.flush()


def lambda_runtime_io() -> None:
    """stdout, stderr and the root logger as the Lambda Python runtime (awslambdaric) sets them
    up before importing the handler: unbuffered streams, one root handler writing each record
    with its request id and time (a print and a log line each cost a write, as on Lambda)."""
    import logging

    logging.Formatter.converter = time.gmtime
    sys.stdout, sys.stderr = _Unbuffered(sys.stdout), _Unbuffered(sys.stderr)

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = "00000000-0000-0000-0000-000000000000"
            return True

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
