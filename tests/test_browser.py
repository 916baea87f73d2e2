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

import numpy as np
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


def test_spec_integration_snippet_runs_in_chromium(server, tmp_path):
    """The spec's HTML snippet as written (import path changed) logs sinh of the tensor."""
    logged = page_result(render(f"{server}/wasm/examples/spec-integration.html", tmp_path))
    assert len(logged) == 1
    values = [float(v) for v in logged[0].split(",")]
    expected = np.sinh(np.array([1, 2, 3, 4], np.float32)).astype(np.float32)
    assert np.array_equal(np.array(values, np.float32), expected) or np.max(
        np.abs(np.array(values, np.float32) - expected) / expected
    ) < 2 * np.finfo(np.float32).eps


def _require_node_modules() -> None:
    if not (ROOT / "wasm" / "node_modules" / "@observablehq" / "runtime").exists():
        if REQUIRE_BROWSER:
            pytest.fail("wasm/node_modules is missing: run `npm ci` in wasm/")
        pytest.skip("wasm/node_modules is missing: run `npm ci` in wasm/")


def test_observable_notebook_runs_in_chromium(server, tmp_path):
    """The example notebook in the Observable runtime, Arrow table included, in a real browser."""
    _require_node_modules()
    summary = page_result(render(f"{server}/wasm/examples/observable.html", tmp_path))
    assert summary["rows"] == 240 and summary["nulls"] == 2
    assert summary["squashed"]["type"] == "Float64"
    assert summary["squashed"]["nulls"] == 2 and summary["squashed"]["at30"] is None
    assert summary["squashed"]["at60"] == pytest.approx(np.tanh(np.sin(3) + 6), rel=1e-15)
    assert summary["clipped"] == {"max": 1, "nulls": 2}
    assert summary["simd"] == "wasm-simd128"
    column = summary["quality_report"]["columns"][0]
    assert (column["rows"], column["missing"], column["completeness"]) == (240, 2, 238 / 240)
    assert column["accuracy"] == column["consistency"] == 236 / 238  # the spikes at 60 and 181
    assert [a["index"] for a in summary["anomalies"]] == [60, 181]


def test_anomaly_example_page_plots_the_series_and_its_anomalies(server, tmp_path):
    _require_node_modules()
    result = page_result(render(f"{server}/wasm/examples/anomalies.html", tmp_path))
    assert result["points"] == 599  # 600 readings, one null
    assert result["segments"] == 2  # the null breaks the line
    assert result["anomalies"] == [150, 380, 505]  # the three planted spikes, z > 3; the null is not one
    assert result["markers"] == 3  # a red dot on each
