"""The HTML report in a real headless Chromium: it renders, logs no console errors and asks for nothing.

The page is served from a local http server that records every request; Chromium's
console goes to stderr (``--enable-logging=stderr``). A control page that logs an
error proves the console capture works, so a clean report is a real result.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rt_pandas.cli import run_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("RT_PANDAS_REQUIRE_BROWSER") != "1",
    reason="chromium is not installed (apt-get install -y chromium)",
)
# Chromium logs every console message (errors, CSP violations) as ":CONSOLE" without its level; the
# report has no scripts, so any console message at all is a failure.
CONSOLE_MESSAGE = re.compile(r":CONSOLE|Refused to|Content Security Policy")


class _RecordingHandler(SimpleHTTPRequestHandler):
    requests: list

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def served(tmp_path):
    """(base url, list of requested paths) for files in tmp_path/site."""
    site = tmp_path / "site"
    site.mkdir()
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests, site
    httpd.shutdown()
    httpd.server_close()


def chromium(url: str, tmp_path: Path, screenshot: Path) -> tuple[str, str]:
    """(DOM after load, Chromium's stderr with the console log); also writes a screenshot."""
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
              "--disable-background-networking", "--disable-component-update", "--enable-logging=stderr", "--v=0",
              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    shot = subprocess.run([*common, "--window-size=1200,2000", f"--screenshot={screenshot}", url],
                          capture_output=True, text=True, timeout=120)
    return dom.stdout, dom.stderr + shot.stderr


def test_console_capture_sees_messages(served, tmp_path):
    base, _, site = served
    (site / "control.html").write_text('<!DOCTYPE html><title>c</title><script>console.error("probe")</script>')
    _, log = chromium(f"{base}/control.html", tmp_path, tmp_path / "control.png")
    assert CONSOLE_MESSAGE.search(log) and "probe" in log


def test_report_policy_blocks_requests_it_would_make(served, tmp_path):
    """The report's Content-Security-Policy: an image slipped into the page is refused and logged."""
    from rt_pandas._html import CSP

    base, requests, site = served
    (site / "leak.html").write_text(f'<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                                    f'<title>l</title><img src="/leak.png">')
    _, log = chromium(f"{base}/leak.html", tmp_path, tmp_path / "leak.png")
    assert "/leak.png" not in requests and CONSOLE_MESSAGE.search(log)


def test_demo_report_renders_without_errors_or_requests(served, tmp_path):
    base, requests, site = served
    run_demo(site / "report.html", rows=288 * 14, out=open(os.devnull, "w"))
    screenshot = Path(os.environ.get("RT_PANDAS_SCREENSHOT_DIR", tmp_path)) / "rt-pandas-report.png"
    dom, log = chromium(f"{base}/report.html", tmp_path, screenshot)
    assert "Data quality report" in dom and "temperature" in dom
    assert dom.count("<svg") >= 6  # histograms and line charts survived parsing
    assert not CONSOLE_MESSAGE.search(log), log
    assert set(requests) == {"/report.html"}, requests  # nothing else: no styles, fonts, scripts, icons
    assert screenshot.stat().st_size > 10_000 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
