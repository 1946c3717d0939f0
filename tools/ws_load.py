"""Load test of the Streamlit server itself: simulated viewers speaking Streamlit's websocket protocol, no browser.

    .venv/bin/python -m tools.ws_load --url http://127.0.0.1:8501 --viewers 30 [--reruns 3] \\
        [--page league] [--page "?lang=en"] [--watch-port 8501] [--out bench/results/ws-load-30.json]
    .venv/bin/python -m tools.ws_load --serve 3 --viewers 100          # three board processes behind the proxy

Each viewer does what the browser does (streamlit/frontend: WebsocketConnection, App.sendRerunBackMsg):
GET the page's URL, GET /_stcore/health (which sets the XSRF cookie) and /_stcore/host-config, open
/_stcore/stream with the subprotocols ["streamlit", <XSRF cookie>], then send a rerun_script BackMsg whose
ClientState names the page (page_name on the first run, the page's script hash from the Navigation message
after it) and the query string, and read ForwardMsgs until script_finished. It reruns K times with a short
think time in between, keeping a ForwardMsg cache as the browser does (cached_message_hashes → ref_hash).

A rerun fails when it times out, the connection drops, the page is not found, the script does not compile
or an Exception element is shown (a warning shown as an exception is not a failure). The deltas are parsed
(protobuf) and nothing is rendered, so a hundred viewers cost this process little; its own CPU time and
memory are reported beside the servers' RSS, sampled every half second, and the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from google.protobuf.message import DecodeError
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException
from websockets.typing import Origin, Subprotocol

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
XSRF_COOKIE = "_streamlit_xsrf"
# the browser's own placeholder when there is no XSRF cookie to send (WebsocketConnection.getSessionTokens)
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"
SAMPLE_EVERY_S = 0.5


@dataclass(frozen=True)
class Page:
    """A page as a URL names it: its path (st.Page url_path; '' for the default page) and query string."""
    name: str
    query: str = ""

    @classmethod
    def parse(cls, text: str) -> "Page":
        path, _, query = text.partition("?")
        return cls(path.strip("/"), query)

    def __str__(self) -> str:
        return f"/{self.name}" + (f"?{self.query}" if self.query else "")


@dataclass
class Rerun:
    seconds: float
    k: int = 0                      # which of the viewer's reruns (0: the one that opens its page)
    failure: str | None = None      # why it failed, in a few words; None when it finished cleanly
    page: str = ""                  # the page that ran (its url_pathname, from the Navigation message)
    messages: int = 0
    error_alerts: int = 0           # st.error boxes: a page may rightly show one, so reported, not failed


@dataclass
class Tally:
    reruns: list[Rerun] = field(default_factory=list)
    opens: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def fail(self, reason: str, times: int = 1) -> None:
        self.failures.extend([reason] * times)


async def http_get(host: str, port: int, target: str, cookies: dict[str, str], timeout: float) -> int:
    """GET target with the cookies; keep the cookies the answer sets; return the status."""
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
            writer.write((f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: identity\r\n"
                          + (f"Cookie: {jar}\r\n" if jar else "") + "Connection: close\r\n\r\n").encode())
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1]) if head and len(head[0].split()) > 1 else 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            k, _, v = value.strip().split(";", 1)[0].partition("=")
            cookies[k] = v
    return status


def _exception(msg: ForwardMsg):
    """The Exception element a delta carries, or None."""
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element" \
            and msg.delta.new_element.WhichOneof("type") == "exception":
        return msg.delta.new_element.exception
    return None


def _is_error_alert(msg: ForwardMsg) -> bool:
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element" \
            and msg.delta.new_element.WhichOneof("type") == "alert":
        return msg.delta.new_element.alert.format == msg.delta.new_element.alert.ERROR
    return False


class Viewer:
    """One browser tab's session: opened once, rerun K times."""

    def __init__(self, url: str, page: Page, timeout: float):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.base = parts.path.rstrip("/")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.page, self.timeout = page, timeout
        self.cookies: dict[str, str] = {}
        self.page_hash = ""                     # the browser's currentPageScriptHash
        self.cache: dict[str, str | None] = {}  # ForwardMsg hash → the exception it shows, if any
        self.ws = None

    async def open(self) -> None:
        """GET the page and the two pings, then the websocket, as the browser does."""
        target = f"{self.base}/{self.page.name}" + (f"?{self.page.query}" if self.page.query else "")
        for path in (target, f"{self.base}/_stcore/health", f"{self.base}/_stcore/host-config"):
            status = await http_get(self.host, self.port, path, self.cookies, self.timeout)
            if status != 200:
                raise ConnectionError(f"GET {path}：HTTP {status}")
        token = self.cookies.get(XSRF_COOKIE) or NO_TOKEN
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await connect(
            f"ws://{self.host}:{self.port}{self.base}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit"), Subprotocol(token)],
            origin=Origin(self.origin), additional_headers={"Cookie": jar} if jar else None,
            # the browser cannot send websocket pings; a busy server answering late must not end the session
            ping_interval=None, max_size=None, open_timeout=self.timeout)

    def _client_state(self) -> ClientState:
        return ClientState(
            query_string=self.page.query,
            page_script_hash=self.page_hash,
            # the browser names the page by its path until it knows the page's hash
            page_name="" if self.page_hash else self.page.name,
            cached_message_hashes=sorted(self.cache),
            context_info=ContextInfo(timezone="Asia/Shanghai", timezone_offset=-480, locale="zh-CN",
                                     url=f"{self.origin}{self.base}{self.page}", is_embedded=False,
                                     color_scheme="light"))

    async def rerun(self) -> Rerun:
        """Ask for a run of the page and read until the script has finished (or failed)."""
        out = Rerun(0.0)
        problems: list[str] = []
        started = False   # a new_session since our request: a script_finished before it is an older run's
        pages: dict[str, str] = {}
        t = time.perf_counter()
        try:
            await self.ws.send(BackMsg(rerun_script=self._client_state()).SerializeToString())
            async with asyncio.timeout(self.timeout):
                while True:
                    msg = ForwardMsg.FromString(await self.ws.recv())
                    out.messages += 1
                    kind = msg.WhichOneof("type")
                    if kind == "new_session":
                        started = True
                    elif kind == "navigation":
                        pages = {p.page_script_hash: f"/{p.url_pathname} · {p.page_name}"
                                 for p in msg.navigation.app_pages}
                        self.page_hash = msg.navigation.page_script_hash
                        out.page = pages.get(self.page_hash, "")
                    elif kind == "page_not_found":
                        problems.append(f"页面不存在：{msg.page_not_found.page_name or self.page.name}")
                    elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                        e = msg.session_event.script_compilation_exception
                        problems.append(f"脚本无法编译：{e.type}: {e.message}"[:300])
                    elif kind == "ref_hash":
                        if msg.ref_hash not in self.cache:
                            problems.append("服务器引用了客户端没有的缓存消息")
                        elif self.cache[msg.ref_hash]:
                            problems.append(self.cache[msg.ref_hash])
                    elif kind == "delta":
                        shown = None
                        e = _exception(msg)
                        if e is not None and not e.is_warning:
                            # with showErrorDetails = "none" (the board's) the type is blank and the message generic
                            shown = f"页面显示异常：{e.type + ': ' if e.type else ''}{e.message}"[:300]
                            problems.append(shown)
                        out.error_alerts += _is_error_alert(msg)
                        if msg.metadata.cacheable:
                            self.cache[msg.hash] = shown
                    elif kind == "script_finished" and started:
                        status = msg.script_finished
                        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            started = False   # st.rerun(): the next run of the chain follows
                        elif status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                            problems.append("脚本无法编译")
                            break
                        elif status == ForwardMsg.FINISHED_SUCCESSFULLY:
                            break
        except TimeoutError:
            problems.append(f"超时：{self.timeout:g} 秒内脚本未运行完")
        except (WebSocketException, ConnectionError, OSError) as e:
            problems.append(f"连接中断：{type(e).__name__}")
        except (DecodeError, TypeError):  # a frame that is not a ForwardMsg
            problems.append("协议错误：收到的不是 ForwardMsg")
        out.seconds = time.perf_counter() - t
        out.failure = problems[0] if problems else None
        return out

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except (WebSocketException, ConnectionError, OSError):
                pass


async def viewer(i: int, url: str, page: Page, reruns: int, think: float, ramp_delay: float, timeout: float,
                 tally: Tally, on_rerun=None) -> None:
    rng = random.Random(i)
    await asyncio.sleep(ramp_delay)  # viewers arrive over the ramp, not in one instant
    v = Viewer(url, page, timeout)
    t = time.perf_counter()
    try:
        await v.open()
    except (TimeoutError, WebSocketException, ConnectionError, OSError) as e:
        # the session never opened: none of its reruns ran
        tally.fail(f"无法打开会话：{type(e).__name__}: {e}"[:300], reruns)
        return
    tally.opens.append(time.perf_counter() - t)
    try:
        for k in range(reruns):
            r = await v.rerun()
            r.k = k
            tally.reruns.append(r)
            if r.failure:
                tally.fail(r.failure)
            if on_rerun is not None:
                on_rerun(r)
            if k + 1 < reruns:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))  # a viewer reads before asking again
    finally:
        await v.close()


def pid_on_port(port: int) -> int | None:
    """The process listening on a local TCP port, if it is this user's."""
    for c in psutil.net_connections(kind="tcp"):
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid:
            return c.pid
    return None


class Watch:
    """RSS and CPU time of some processes (each with its children), sampled while the load runs."""

    def __init__(self, pids: dict[int, str]):
        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.roles = pids
        self.start = {pid: self._rss(p) for pid, p in self.procs.items()}
        self.peak = dict(self.start)
        self.cpu0 = {pid: self._cpu(p) for pid, p in self.procs.items()}

    @staticmethod
    def _tree(p: psutil.Process) -> list[psutil.Process]:
        try:
            return [p, *p.children(recursive=True)]
        except psutil.Error:
            return [p]

    def _rss(self, p: psutil.Process) -> int:
        total = 0
        for q in self._tree(p):
            try:
                total += q.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _cpu(self, p: psutil.Process) -> float:
        total = 0.0
        for q in self._tree(p):
            try:
                c = q.cpu_times()
                total += c.user + c.system
            except psutil.Error:
                pass
        return total

    async def sample(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            for pid, p in self.procs.items():
                self.peak[pid] = max(self.peak[pid], self._rss(p))
            try:
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
            except TimeoutError:
                pass

    def report(self) -> list[dict]:
        out = []
        for pid, p in self.procs.items():
            end = self._rss(p)
            out.append({"pid": pid, "role": self.roles[pid],
                        "rss_start_gb": _gb(self.start[pid]), "rss_peak_gb": _gb(max(self.peak[pid], end)),
                        "rss_end_gb": _gb(end), "cpu_s": round(self._cpu(p) - self.cpu0[pid], 1)})
        return out


def _gb(n: int) -> float:
    return round(n / 1e9, 3)


def _pct(values: list[float], q: float) -> float | None:
    """Percentile by linear interpolation (numpy's default), without importing numpy."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 3)


async def run(url: str, viewers: int, reruns: int = 3, pages: list[Page] | None = None, think: float = 1.0,
              ramp: float = 5.0, timeout: float = 120.0, warmup: int = 1, watch: dict[int, str] | None = None,
              on_rerun=None) -> dict:
    """Run the load; viewer i asks for pages[i % len(pages)]. Returns the report (see main)."""
    pages = pages or [Page("")]
    load_before = [round(x, 2) for x in os.getloadavg()]
    warm = Tally()
    for i in range(warmup):  # one rerun each, one after another: a fresh process pays its first page here
        await viewer(-1 - i, url, pages[i % len(pages)], 1, 0, 0, timeout, warm)
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    watcher = Watch(watch or {})
    stop = asyncio.Event()
    sampler = asyncio.create_task(watcher.sample(stop))
    tally = Tally()
    t = time.perf_counter()
    await asyncio.gather(*(viewer(i, url, pages[i % len(pages)], reruns, think, ramp * i / max(viewers, 1),
                                  timeout, tally, on_rerun) for i in range(viewers)))
    wall = time.perf_counter() - t
    stop.set()
    await sampler
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ok = [r for r in tally.reruns if r.failure is None]
    times = [r.seconds for r in ok]
    return {
        "url": url, "viewers": viewers, "reruns_per_viewer": reruns, "pages": [str(p) for p in pages],
        "think_s": think, "ramp_s": ramp, "timeout_s": timeout,
        "warmup_rerun_s": [round(r.seconds, 3) for r in warm.reruns],
        "warmup_failures": warm.failures,
        "reruns_asked": viewers * reruns, "reruns_ok": len(ok), "failures": len(tally.failures),
        "failure_reasons": dict(Counter(f.split("：", 1)[0] for f in tally.failures)),
        "failure_samples": list(dict.fromkeys(tally.failures))[:5],
        "rerun_p50_s": _pct(times, 50), "rerun_p95_s": _pct(times, 95),
        "rerun_max_s": round(max(times), 3) if times else None,
        # a viewer's first rerun opens its page (fresh session state); the later ones rerun a page it has
        "first_rerun_p50_s": _pct([r.seconds for r in ok if r.k == 0], 50),
        "later_rerun_p50_s": _pct([r.seconds for r in ok if r.k > 0], 50),
        "session_open_p50_s": _pct(tally.opens, 50), "session_open_p95_s": _pct(tally.opens, 95),
        "pages_ran": dict(Counter(r.page for r in tally.reruns if r.failure is None)),
        "messages_per_rerun_p50": _pct([r.messages for r in ok], 50),
        "error_alerts": sum(r.error_alerts for r in tally.reruns),
        "wall_s": round(wall, 1), "reruns_per_s": round(len(ok) / wall, 2) if wall else None,
        "servers": watcher.report(),
        "client": {"cpu_s": round(usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime, 1),
                   "peak_rss_gb": round(usage.ru_maxrss / 2**20, 3)},
        "load_avg_before": load_before, "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, procs: list[subprocess.Popen], timeout: float) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in procs) or time.time() > deadline:
            raise RuntimeError(f"{url} 未能启动")
        time.sleep(0.3)


def start(n: int, store: Path | None, timeout: float = 180) -> tuple[str, list[subprocess.Popen], dict[int, str]]:
    """n `python -m board serve` processes on free loopback ports, behind tools.sticky_proxy when n > 1:
    (the URL to load, the processes, {pid: role} to watch)."""
    env = dict(os.environ, **({"BOARD_STORE": str(store.resolve())} if store else {}))
    procs, watch, ports = [], {}, []
    try:
        for _ in range(n):
            port = free_port()
            p = subprocess.Popen([sys.executable, "-m", "board", "serve", "--server.port", str(port),
                                  "--server.address", "127.0.0.1", "--server.headless", "true"],
                                 cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(p)
            ports.append(port)
            watch[p.pid] = f"server 127.0.0.1:{port}"
        for port in ports:
            _wait_ready(f"http://127.0.0.1:{port}", procs, timeout)
        if n == 1:
            return f"http://127.0.0.1:{ports[0]}", procs, watch
        port = free_port()
        p = subprocess.Popen([sys.executable, "-m", "tools.sticky_proxy", "--listen", f"127.0.0.1:{port}",
                              *[a for q in ports for a in ("--backend", f"127.0.0.1:{q}")]],
                             cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        watch[p.pid] = f"proxy 127.0.0.1:{port}"
        _wait_ready(f"http://127.0.0.1:{port}", procs, timeout)
        return f"http://127.0.0.1:{port}", procs, watch
    except BaseException:
        stop(procs)
        raise


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.ws_load", description="看板服务器负载测试（Streamlit websocket 协议，无浏览器）")
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="已在运行的看板（或代理）地址，如 http://127.0.0.1:8501")
    where.add_argument("--serve", type=int, metavar="N", help="自行启动 N 个看板进程（N>1 时经粘性代理），测完关闭")
    ap.add_argument("--store", type=Path, help="--serve 时的数据仓库（默认同 BOARD_STORE，未设则为示例数据）")
    ap.add_argument("--viewers", type=int, required=True, help="模拟的观看者（会话）数")
    ap.add_argument("--reruns", type=int, default=3, help="每个观看者请求运行页面的次数")
    ap.add_argument("--page", action="append", help="页面路径及查询串，可重复：league、map?lang=en、?lang=en（默认首页，即总览）")
    ap.add_argument("--think", type=float, default=1.0, help="两次请求之间的平均停顿（秒）")
    ap.add_argument("--ramp", type=float, default=5.0, help="观看者在这段时间内陆续到达（秒）")
    ap.add_argument("--timeout", type=float, default=120.0, help="单次运行的超时（秒）")
    ap.add_argument("--warmup", type=int, help="正式开始前逐个运行一次的预热会话数（默认每个进程一个）")
    ap.add_argument("--pid", type=int, action="append", default=[], help="要采样内存的服务器进程号，可重复")
    ap.add_argument("--watch-port", type=int, action="append", default=[],
                    help="按监听端口找服务器进程，可重复（默认 --url 的端口）")
    ap.add_argument("--out", type=Path, help="把结果 JSON 写到这个文件")
    args = ap.parse_args(argv)
    if args.viewers < 1 or args.reruns < 1 or (args.serve is not None and args.serve < 1):
        ap.error("--viewers、--reruns、--serve 须为正整数")
    pages = [Page.parse(p) for p in args.page or [""]]
    procs: list[subprocess.Popen] = []
    try:
        if args.serve:
            url, procs, watch = start(args.serve, args.store)
        else:
            url = args.url.rstrip("/")
            missing = [pid for pid in args.pid if not psutil.pid_exists(pid)]
            if missing:
                ap.error(f"没有这些进程：{missing}")
            watch = {pid: f"pid {pid}" for pid in args.pid}
            for port in args.watch_port or ([] if args.pid else [urlsplit(url).port or 80]):
                pid = pid_on_port(port)
                if pid is None:
                    print(f"✗ 找不到监听端口 {port} 的进程（不记录其内存）", file=sys.stderr)
                else:
                    watch[pid] = f"port {port}"
        result = asyncio.run(run(url, args.viewers, args.reruns, pages, args.think, args.ramp, args.timeout,
                                 args.warmup if args.warmup is not None else (args.serve or 1), watch))
    finally:
        stop(procs)
    if args.serve:
        result["processes"] = args.serve
        result["store"] = str(args.store or os.environ.get("BOARD_STORE") or "demo")
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
