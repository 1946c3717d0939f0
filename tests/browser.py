"""Browser-test harness: serve the board on 127.0.0.1 and drive Debian's Chromium with Playwright.

Every page opened through `open_page` records console errors and any request
that would leave 127.0.0.1 (it is aborted and reported), so tests can assert
that the board works offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_process(store: Path | None = None, env: dict | None = None, timeout: float = 90,
                  script: Path | None = None):
    """Run `streamlit run app.py` (or another script) on a free loopback port; yields (base URL, server process)."""
    port = free_port()
    e = dict(os.environ, **(env or {}))
    if store is not None:
        e["BOARD_STORE"] = str(store)
    # stderr to a file, not a pipe: a long run would fill a pipe nobody reads and stall the server
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script or ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=str(ROOT), env=e, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + timeout
        try:
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    raise RuntimeError("streamlit did not start: " + log.read().decode()[-2000:])
                time.sleep(0.3)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def serve(store: Path | None = None, env: dict | None = None, timeout: float = 90):
    """Run `streamlit run app.py` on a free loopback port; yields the base URL."""
    with serve_process(store, env, timeout) as (url, _):
        yield url


@contextmanager
def browser(width: int = 1920, height: int = 1080):
    """A headless Chromium context at 1920×1080 that never reaches past loopback."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        ctx = b.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        try:
            yield ctx
        finally:
            ctx.close()
            b.close()


class Watched:
    """A page plus what it tried that it should not have: console errors and outside requests."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            self.outside_requests.append(route.request.url)
            route.abort()


def open_page(ctx, url: str, wait_text: str | None = None, timeout: float = 60_000) -> Watched:
    """Open url, wait until Streamlit has finished running the script (and wait_text is shown)."""
    w = Watched(ctx.new_page())
    w.page.goto(url, wait_until="domcontentloaded")
    wait_idle(w.page, timeout)
    if wait_text:
        w.page.get_by_text(wait_text).first.wait_for(timeout=timeout)
    return w


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait for the app to render and for Streamlit's running indicator to go away."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   return !s || !s.innerText.match(/Running|运行/); }""", timeout=timeout)
    page.wait_for_timeout(800)


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
