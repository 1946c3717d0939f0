"""Concurrent viewers: N headless Chromium sessions against one board server on 127.0.0.1, for a bounded time.

    .venv/bin/python bench/load.py --store DIR [--sessions 30] [--browsers 3] [--seconds 120]

Each session opens the board, waits until the overview is ready (the KPI text
shown and Streamlit no longer running), pauses a few seconds like a viewer,
and opens it again, until the time is up. Reported: the first page of a fresh
server (cold) and of a second viewer (warm), p50/p95 page-ready time under
load, failures, and the server's RSS before and after. Nothing leaves
127.0.0.1: every other request is aborted and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM_ARGS, serve_process  # noqa: E402

READY_TEXT = "整改率"
NOT_RUNNING = """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                         return !s || !s.innerText.match(/Running|运行/); }"""


def rss_gb(proc) -> float:
    p = psutil.Process(proc.pid)
    return round((p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))) / 1e9, 3)


async def _loopback_only(route, outside: list):
    host = urlparse(route.request.url).hostname or ""
    if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
        await route.continue_()
    else:
        outside.append(route.request.url)
        await route.abort()


async def page_ready(page, url: str, timeout_ms: float = 60_000) -> float:
    """Seconds from navigation until the overview shows its KPIs and the script has finished."""
    t = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    await page.get_by_text(READY_TEXT).first.wait_for(timeout=timeout_ms)
    await page.wait_for_function(NOT_RUNNING, timeout=timeout_ms)
    return time.perf_counter() - t


async def viewer(ctx, url: str, delay: float, deadline: float, times: list, failures: list, outside: list, rng):
    await asyncio.sleep(delay)  # viewers arrive over the ramp-up, not in one instant
    page = await ctx.new_page()
    await page.route("**/*", lambda route: _loopback_only(route, outside))
    while time.time() < deadline:
        try:
            times.append(await page_ready(page, url, 120_000))
        except Exception as e:  # a failure is a result of the load test, not a crash of it
            failures.append(f"{type(e).__name__}: {str(e)[:200]}")
        await asyncio.sleep(rng.uniform(2, 5))  # a viewer reads before reloading
    await page.close()


async def run(url: str, sessions: int, browsers: int, seconds: float, ramp: float = 30) -> dict:
    from playwright.async_api import async_playwright

    times, failures, outside = [], [], []
    async with async_playwright() as pw:
        bs = [await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
              for _ in range(browsers)]
        try:
            # the first page of a fresh server (builds the connection), then a second viewer's
            ctx = await bs[0].new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            page = await ctx.new_page()
            await page.route("**/*", lambda route: _loopback_only(route, outside))
            cold = await page_ready(page, url, 300_000)
            page2 = await ctx.new_page()
            await page2.route("**/*", lambda route: _loopback_only(route, outside))
            warm = await page_ready(page2, url)
            await ctx.close()
            contexts = [await bs[i % browsers].new_context(viewport={"width": 1920, "height": 1080},
                                                           locale="zh-CN") for i in range(sessions)]
            deadline = time.time() + seconds
            t = time.perf_counter()
            await asyncio.gather(*(viewer(c, url, ramp * i / sessions, deadline, times, failures, outside,
                                          random.Random(i)) for i, c in enumerate(contexts)))
            wall = time.perf_counter() - t
        finally:
            for b in bs:
                await b.close()
    return {"first_page_cold_s": round(cold, 2), "first_page_warm_s": round(warm, 2),
            "sessions": sessions, "browsers": browsers, "seconds": round(wall, 1), "pages": len(times),
            "p50_s": round(float(np.percentile(times, 50)), 2) if times else None,
            "p95_s": round(float(np.percentile(times, 95)), 2) if times else None,
            "max_s": round(max(times), 2) if times else None,
            "failures": len(failures), "failure_samples": failures[:5], "outside_requests": len(outside)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="the store to serve (default: an empty one, i.e. the demo)")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--browsers", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--ramp", type=float, default=30, help="seconds over which the viewers arrive")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = ap.parse_args(argv)
    with serve_process(args.store, timeout=120) as (url, proc):
        before = rss_gb(proc)
        result = asyncio.run(run(url, args.sessions, args.browsers, args.seconds, args.ramp))
        result["server_rss_before_gb"] = before
        result["server_rss_after_gb"] = rss_gb(proc)
    result.update(store=str(args.store) if args.store else "demo", cores=os.cpu_count(),
                  load_avg=[round(x, 2) for x in os.getloadavg()])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if result["failures"] == 0 and result["outside_requests"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
