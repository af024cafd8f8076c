"""A real browser against `invoke serve`: headless Chromium loads a page from another origin
whose script POSTs JSON to the API, so the browser itself sends the CORS preflight and
decides whether the page may read the answer.

Chromium comes from Debian (`chromium`); `./dev test` installs it where it can (root + apt).
In CI (`CI=true`) a missing Chromium fails this test; elsewhere it is skipped with the fix.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.serve.conftest import Served
from tight.core.flags import is_true

pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PAGE = """<!doctype html>
<html><head><title>front end</title></head><body>
<pre id="allowed">pending</pre>
<pre id="refused">pending</pre>
<script>
const api = "http://127.0.0.1:%(port)d";
function show(id, value) { document.getElementById(id).textContent = JSON.stringify(value); }
fetch(api + "/echo?from=page", {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: JSON.stringify({greeting: "hello from the browser"}),
}).then(r => r.json().then(answer => show("allowed", {
  status: r.status,
  body: answer.event.body,
  method: answer.event.httpMethod,
  origin: answer.event.headers.Origin,
}))).catch(e => show("allowed", {error: String(e)}));
// No function claims this path: API Gateway's 403 carries no CORS headers, so the browser
// must refuse to hand the answer to the page (the control that proves CORS is enforced).
fetch(api + "/unclaimed", {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: "{}",
}).then(r => show("refused", {status: r.status}))
  .catch(e => show("refused", {error: String(e)}));
</script>
</body></html>
"""


def find_chromium() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    message = (
        "headless Chromium is not installed: the browser test needs it "
        "(`apt-get install chromium`, or run `./dev test`, which installs it as root)"
    )
    if is_true(os.environ.get("CI")):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture
def page_origin(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    """A second tiny server, on another port (so another origin), serving the page that
    calls the `browser_api` server; yields its origin and the paths it was asked for."""
    served: Served = request.getfixturevalue("browser_api")
    body = (PAGE % {"port": served.port}).encode("utf-8")
    hits: list[str] = []

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def browser_api(module_app: Path, serve) -> Served:  # type: ignore[no-untyped-def]
    return serve(module_app)


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, as headless Chromium sees it."""
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace sandbox
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            # Nothing but this machine: any other host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def element(dom: str, element_id: str) -> dict:
    found = re.search(rf'<pre id="{element_id}">(.*?)</pre>', dom, re.S)
    assert found, dom
    text = html.unescape(found.group(1))
    assert text != "pending", f"the page's script never finished:\n{dom}"
    return json.loads(text)


def test_a_page_from_another_origin_posts_json_through_the_cors_preflight(
    browser_api: Served, page_origin: tuple[str, list[str]], tmp_path: Path
) -> None:
    chromium = find_chromium()
    origin, hits = page_origin
    dom = dump_dom(chromium, origin + "/", tmp_path / "profile")
    assert hits and hits[0] == "/"  # the page really came from the second server

    allowed = element(dom, "allowed")
    assert allowed == {
        "status": 201,
        "body": {"greeting": "hello from the browser"},
        "method": "POST",
        "origin": origin,  # a cross-origin request, as the browser labelled it
    }
    refused = element(dom, "refused")
    assert refused == {"error": "TypeError: Failed to fetch"}

    log = browser_api.wait_for_output("POST /echo?from=page 201")
    lines = [line for line in log.splitlines() if "/echo?from=page" in line]
    # The browser asked first (preflight, answered by the controller), then sent the POST.
    assert "OPTIONS /echo?from=page 204 " in lines[0], log
    assert "POST /echo?from=page 201 " in lines[1], log
    assert "OPTIONS /unclaimed 403 " in log
