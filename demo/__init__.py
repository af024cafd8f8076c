"""The end-to-end demo (`./dev demo`): one command from a fresh clone to a service that is
generated, recorded against DynamoDB Local, replayed offline, packaged and invoked.

`demo.flow.run()` does the work; `tests/e2e/` runs the very same flow on every CI run.
"""
