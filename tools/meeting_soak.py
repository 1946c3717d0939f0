"""Soak test of meeting mode: run the rotating screen for a while and sample memory every 30 s.

Server: RSS of the Streamlit process. Browser: JS heap (performance.memory), canvases in the
page, WebGL contexts created in total and alive now, DOM nodes, and the RSS of Chromium's
processes. Prints one line per sample and writes them as JSON lines to --out.

    .venv/bin/python bench/meeting_soak.py --minutes 30 --every 20 --out /tmp/meeting_soak.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, free_port  # noqa: E402

# Counts WebGL contexts as the page creates them; a canvas keeps its mark while it is alive.
COUNT_WEBGL = """
(() => {
  window.__webgl = { created: 0, lost: 0 };
  const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const ctx = get.call(this, type, ...rest);
    if (ctx && /webgl/.test(type) && !this.__webgl) {
      this.__webgl = true;
      window.__webgl.created += 1;
      this.addEventListener('webglcontextlost', () => { window.__webgl.lost += 1; });
    }
    return ctx;
  };
})();
"""

SAMPLE = """
() => ({
  heap: performance.memory ? performance.memory.usedJSHeapSize : null,
  canvases: document.querySelectorAll('canvas').length,
  webgl_alive: [...document.querySelectorAll('canvas')].filter(c => c.__webgl).length,
  webgl_created: window.__webgl ? window.__webgl.created : null,
  webgl_lost: window.__webgl ? window.__webgl.lost : null,
  dom_nodes: document.getElementsByTagName('*').length,
  title: (document.querySelector('h1') || {}).innerText || null,
})
"""


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--every", type=float, default=20, help="seconds per slide (&every=)")
    ap.add_argument("--sample", type=float, default=30, help="seconds between samples")
    ap.add_argument("--store", type=Path, help="store to show (default: an empty one, so the demo district)")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "meeting_soak.jsonl")
    args = ap.parse_args(argv)

    store = args.store or Path(tempfile.mkdtemp(prefix="soak-store-"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=str(ROOT), env=dict(os.environ, BOARD_STORE=str(store)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                   args=CHROMIUM_ARGS + ["--enable-precise-memory-info"])
            ctx = b.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            ctx.add_init_script(COUNT_WEBGL)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/?mode=meeting&every={args.every:g}", wait_until="domcontentloaded")
            me = psutil.Process()
            start = time.time()
            titles: set[str] = set()
            with open(args.out, "w", encoding="utf-8") as out:
                while True:
                    page.wait_for_timeout(1000)
                    elapsed = time.time() - start
                    s = page.evaluate(SAMPLE)
                    titles.add(s.pop("title") or "")
                    chromium = sum(_rss(p) for p in me.children(recursive=True) if "chrom" in p.name().lower())
                    row = {"t": round(elapsed), "server_rss_mb": round(_rss(psutil.Process(server.pid)) / 2**20, 1),
                           "chromium_rss_mb": round(chromium / 2**20, 1),
                           "js_heap_mb": None if s["heap"] is None else round(s["heap"] / 2**20, 1),
                           **{k: v for k, v in s.items() if k != "heap"},
                           "slides_seen": len(titles - {""}), "console": len(errors)}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    out.flush()
                    print(json.dumps(row, ensure_ascii=False), flush=True)
                    if elapsed >= args.minutes * 60:
                        break
                    page.wait_for_timeout(max(args.sample * 1000 - (time.time() - start - elapsed) * 1000 - 1000, 0))
            if errors:
                print("console:", *sorted(set(errors))[:10], sep="\n  ")
            b.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
