"""`invoke serve`: the app as a local HTTP API, translated to and from API Gateway's events.

Dev-time only (it lives under `tight.tasks`, which no artifact ships). One module per job:
`routes` (tight.yml paths as `invoke template` deploys them), `gateway` (an HTTP request as
the REST v1 or HTTP API v2 event, the proxy answer as an HTTP response), `reloader` (the app's
modules imported afresh when a source file changes) and `server` (werkzeug, logging, Ctrl-C).
"""
