"""The ES module in a real headless Chromium, over http from a server the test runs."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE_BROWSER = os.environ.get("RT_PANDAS_REQUIRE_BROWSER") == "1"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRE_BROWSER, reason="chromium is not installed (apt-get install -y chromium)"
)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def server():
    """Serves the repository root on 127.0.0.1 at a free port for the module's tests."""
    if not (ROOT / "rt_pandas" / "rt_core.wasm").exists():
        pytest.skip("rt_core.wasm is not built")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(ROOT)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def render(url: str, tmp_path: Path) -> str:
    """The DOM of `url` after its scripts ran, from headless Chromium with a fresh profile."""
    assert CHROMIUM is not None, "chromium is required here (RT_PANDAS_REQUIRE_BROWSER=1)"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result.stdout


def page_result(dom: str) -> dict:
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL)
    assert match, f"no result element in the page: {dom[:500]}"
    text = html.unescape(match.group(1))
    assert not text.startswith(("FAILED", "pending")), text
    return json.loads(text)


def test_smoke_page_runs_clamp_in_chromium(server, tmp_path):
    result = page_result(render(f"{server}/wasm/examples/smoke.html", tmp_path))
    assert result["clamped"] == [1, "NaN", 2, 0]
    assert result["error"] == {
        "message": "lower bound is greater than upper bound",
        "error_type": "ValidationError",
        "context": "rt_math_clamp",
    }
    assert result["simd"] == "wasm-simd128"
    assert result["core"] == "0.1.0"
    assert result["stats"]["bytes_in_use"] == 0
