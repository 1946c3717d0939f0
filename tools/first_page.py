"""First page: how long a leader waits for the overview in a fresh headless Chromium, warm and cold server.

    .venv/bin/python -m tools.first_page --store DIR [--runs 5] [--out bench/results/first-page-10m.json]
    .venv/bin/python -m tools.first_page --url http://127.0.0.1:8501 [--runs 5]   # a server already running

Serves the store on 127.0.0.1 (tests/browser.py's serve_process), opens the overview once on the fresh server
(cold: the store's connection is opened and every cache is empty), then `--runs` more times, each in a new
browser context (a new Streamlit session and an empty browser cache, as a leader opening the board). Every
time is the page's own clock from navigation start (performance.now()):

- kpis: the ten headline figures are on the page;
- table: the ranking is on the page (the city's districts' league table drawn, or a district's 红黑榜);
- ready: both, the moment a leader can read the page;
- finished: Streamlit reports the script run finished (no running indicator);
- chart, settled: the trend (a plotly figure, drawn after the rest: ui.shell.later) is on the page, and the
  run that drew it has finished.

`script_s` is finished − running: the first script run as the browser sees it (server time plus the
websocket). Nothing leaves 127.0.0.1: every other
request is aborted and counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM_ARGS, serve_process  # noqa: E402

# Runs before any script of the page: a MutationObserver notes the page's clock at the first moment each
# thing is in the document. Streamlit puts its script state on the app's root element
# (data-test-script-state: initial → running → notRunning).
MARKS = """
(() => {
  const fp = window.__firstPage = {};
  const mark = (k) => { if (!(k in fp)) fp[k] = performance.now(); };
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    mark('app');
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') mark('running');
    if (state === 'notRunning' && 'running' in fp) mark('finished');
    const values = [...document.querySelectorAll('[data-testid="stMetricValue"]')].filter(v => v.innerText.trim());
    if (values.length >= 10) mark('kpis');
    if (document.querySelector('.st-key-district-league .main-svg, .st-key-district-league table')
        || document.querySelector('.st-key-podium-worst [data-testid="stMetricValue"]')) mark('table');
    if ('kpis' in fp && 'table' in fp) mark('ready');
    if (document.querySelector('[data-testid="stPlotlyChart"] .main-svg')) mark('chart');
    if ('chart' in fp && state === 'notRunning') mark('settled');
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ['data-test-script-state']});
})();
"""
NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
                        return {response: n.responseEnd, dom: n.domContentLoadedEventEnd}; }"""


def visit(browser, url: str, timeout_ms: float, outside: list) -> dict:
    """Open url in a new context; the page's own times (seconds from navigation start) of each mark."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        ctx.add_init_script(MARKS)
        page = ctx.new_page()

        def loopback_only(route):
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", loopback_only)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        wall = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        page.wait_for_function("() => ['ready', 'finished', 'settled'].every(k => k in (window.__firstPage || {}))",
                               timeout=timeout_ms, polling=50)
        wall = time.perf_counter() - wall
        marks = page.evaluate("() => window.__firstPage")
        marks.update(page.evaluate(NAVIGATION))
        result = {k: round(v / 1000, 3) for k, v in marks.items()}
        result["script_s"] = round(result["finished"] - result["running"], 3)
        result["wall_s"] = round(wall, 3)
        result["page_errors"] = errors
        return result
    finally:
        ctx.close()


def rss_gb(pid: int) -> float:
    p = psutil.Process(pid)
    return round((p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))) / 1e9, 3)


def summary(runs: list[dict], key: str) -> dict:
    values = sorted(r[key] for r in runs)
    return {"median": round(statistics.median(values), 3), "min": values[0], "max": values[-1]}


def measure(url: str, runs: int, timeout_ms: float = 300_000, pid: int | None = None) -> dict:
    """The first visit (cold when the server has just started), then `runs` visits in fresh contexts."""
    from playwright.sync_api import sync_playwright

    load = [round(x, 2) for x in os.getloadavg()]
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            first = visit(browser, url, timeout_ms, outside)
            warm = [visit(browser, url, timeout_ms, outside) for _ in range(runs)]
        finally:
            browser.close()
    result = {"url": url, "runs": runs, "load_avg_before": load,
              "first_visit": first, "warm": warm,
              "warm_summary": {k: summary(warm, k)
                               for k in ("kpis", "table", "ready", "finished", "script_s", "settled")},
              "outside_requests": len(outside), "load_avg_after": [round(x, 2) for x in os.getloadavg()],
              "cores": os.cpu_count()}
    if pid is not None:
        result["server_rss_gb"] = rss_gb(pid)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="the store to serve (default: an empty one, i.e. the demo)")
    ap.add_argument("--url", help="measure a server already running instead of starting one (no cold figure)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=300, help="seconds a visit may take before it fails")
    ap.add_argument("--out", type=Path, help="write the JSON here as well")
    args = ap.parse_args(argv)
    if args.url:
        result = measure(args.url.rstrip("/"), args.runs, args.timeout * 1000)
        result["server"] = "already running"
    else:
        started = time.perf_counter()
        with serve_process(args.store, timeout=300) as (url, proc):
            up = round(time.perf_counter() - started, 2)
            result = measure(url, args.runs, args.timeout * 1000, proc.pid)
            result["server"] = "started for this run: the first visit is cold"
            result["server_start_s"] = up
    result["store"] = str(args.store) if args.store else ("demo" if not args.url else None)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    s = result["warm_summary"]
    print(f"warm, median of {args.runs}: ready {s['ready']['median']} s, finished {s['finished']['median']} s "
          f"(cold first visit: ready {result['first_visit']['ready']} s); load {result['load_avg_after']}",
          file=sys.stderr)
    return 0 if result["outside_requests"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
