"""The served board under strace: nothing leaves the machine (no connect or DNS query past 127.0.0.0/8) while a
browser and a raw websocket with a foreign Origin use it; a logged-out client cannot park uploads in the
server's memory; /_stcore/metrics tells nothing; a viewer cannot empty everyone's caches.

All traffic goes to 127.0.0.1. strace comes from Debian (the Makefile's `system` target installs it)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from browser import ROOT, browser, free_port, open_page

FOREIGN = "http://board.example.com"
MB = 1024 * 1024
# connect/sendto to an IPv4 or IPv6 address, with the port
_ADDR = re.compile(r'sin6?_port=htons\((\d+)\).*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')


def outside_attempts(log: str) -> list[str]:
    """strace lines that reach past loopback, ask a DNS server (port 53, even on loopback) or a name service."""
    bad = []
    for line in log.splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", line):
            continue
        m = _ADDR.search(line)
        if m:
            port, v4, v6 = m.groups()
            loopback = (v4 or "").startswith("127.") or v6 in ("::1", "::ffff:127.0.0.1")
            if not loopback or port == "53":
                bad.append(line)
        elif line.split("(", 1)[0].endswith("connect") and re.search(r"nscd|resolve", line):
            bad.append(line)                       # a name service over a local socket
        elif "checkip\\tamazonaws" in line:
            bad.append(line)                       # the DNS question itself, as strace escapes it
    return bad


def server_pid(strace_pid: int) -> int:
    """The Python process strace started."""
    for _ in range(100):
        kids = Path(f"/proc/{strace_pid}/task/{strace_pid}/children").read_text().split()
        if kids:
            return int(kids[0])
        time.sleep(0.1)
    raise RuntimeError("no server process under strace")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


@contextmanager
def traced_board(store: Path, users: Path | None = None):
    """`python -m board serve` on 127.0.0.1 under strace; yields (url, python pid, strace log path)."""
    assert shutil.which("strace"), "strace is missing: `make system` installs it"
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "strace.log"
    env = dict(os.environ, BOARD_STORE=str(store), **({"BOARD_USERS": str(users)} if users else {}))
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            ["strace", "-f", "-qq", "-s", "256", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", str(log),
             sys.executable, "-m", "board", "serve", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=err)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 120
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    err.seek(0)
                    raise RuntimeError("the board did not start: " + err.read().decode()[-2000:])
                time.sleep(0.3)
            yield url, server_pid(proc.pid), log
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def xsrf_cookie(url: str) -> str:
    with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as r:
        cookie = r.headers.get("Set-Cookie") or ""
    return re.search(r"_streamlit_xsrf=([^;]+)", cookie).group(1)


def open_session(url: str, xsrf: str, origin: str | None = None):
    """A raw websocket that asks for a first run, as the browser would; returns (socket, session id)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = connect(url.replace("http", "ws") + "/_stcore/stream", origin=origin or url,
                 subprotocols=["streamlit", xsrf], additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"},
                 max_size=None, open_timeout=20)
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    ws.send(msg.SerializeToString())
    deadline = time.time() + 180
    session = None
    while time.time() < deadline:
        fm = ForwardMsg.FromString(ws.recv(timeout=180))
        if fm.WhichOneof("type") == "new_session":
            session = fm.new_session.initialize.session_id
        if fm.WhichOneof("type") == "script_finished" and session:
            return ws, session   # the first run is over: what it loaded is in the baseline
    raise RuntimeError("no new_session or script_finished message")


def put_file(url: str, session_id: str, xsrf: str, size: int, file_id: str) -> int:
    """PUT a multipart file of `size` bytes to the upload route; the HTTP status (0 if the server hung up)."""
    boundary = "----board-test"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=120)
    try:
        conn.putrequest("PUT", f"/_stcore/upload_file/{session_id}/{file_id}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.putheader("X-Xsrftoken", xsrf)
        conn.putheader("Cookie", f"_streamlit_xsrf={xsrf}")
        conn.endheaders()
        chunk = b"a," * (MB // 2)
        try:
            conn.send(head)
            for _ in range(size // MB):
                conn.send(chunk)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading the body and closed
        try:
            return conn.getresponse().status
        except (ConnectionResetError, http.client.RemoteDisconnected):
            return 0
    finally:
        conn.close()


def test_the_detector_catches_what_streamlit_did_before():
    # the lines strace printed for the old origin check, and the server's own loopback traffic
    seen = [
        '7 connect(12, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("8.8.8.8")}, 16) = 0',
        '7 connect(13, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
        '7 sendto(13, "\\7checkip\\tamazonaws\\3com", 38, MSG_NOSIGNAL, NULL, 0) = 38',
        '7 connect(14, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2600::1", &sin6_addr), sin6_scope_id=0}, 28) = -1',
        '7 connect(15, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
    ]
    fine = ['7 connect(9, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            '7 sendto(7, "HTTP/1.1 200 OK", 15, 0, NULL, 0) = 15']
    assert outside_attempts("\n".join(seen + fine)) == seen


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    with traced_board(tmp_path_factory.mktemp("guard") / "store") as b:
        yield b


def test_a_foreign_origin_websocket_as_first_request_is_refused_and_nothing_is_looked_up(board):
    url, _, log = board
    # the very first client of a fresh server: no page has run app.py yet
    with pytest.raises(InvalidStatus) as refused:
        connect(url.replace("http", "ws") + "/_stcore/stream", origin=FOREIGN, open_timeout=20)
    assert refused.value.response.status_code == 403
    time.sleep(2)  # Streamlit's lookups had a 1 s timeout each
    assert outside_attempts(log.read_text()) == []


def test_a_browser_and_a_foreign_origin_together_stay_on_loopback(board):
    url, _, log = board
    with browser() as ctx:
        w = open_page(ctx, url, wait_text="整改率")
        with pytest.raises(InvalidStatus):
            connect(url.replace("http", "ws") + "/_stcore/stream", origin=FOREIGN, open_timeout=20)
        with pytest.raises(InvalidStatus):
            connect(url.replace("http", "ws") + "/_stcore/stream", origin="http://10.0.0.8:8501", open_timeout=20)
        w.page.reload()
        w.page.get_by_text("整改率").first.wait_for(timeout=60_000)
        assert w.outside_requests == [] and w.console_errors == []
    time.sleep(2)
    text = log.read_text()
    assert "sendto(" in text and "HTTP/1.1 200" in text     # strace did see the server's own traffic
    assert outside_attempts(text) == []


def test_a_logged_out_client_cannot_park_uploads_in_memory(board):
    url, pid, _ = board
    xsrf = xsrf_cookie(url)
    ws, session = open_session(url, xsrf)
    try:
        assert re.fullmatch(r"[0-9a-f-]{36}", session)
        start = rss_mb(pid)
        statuses = [put_file(url, session, xsrf, 100 * MB, f"f{i}") for i in range(6)]
        time.sleep(1)
        grown = rss_mb(pid) - start
    finally:
        ws.close()
    assert all(s in (400, 403, 0) for s in statuses), statuses   # never 204: nothing was taken
    assert grown < 50, f"server RSS grew {grown:.0f} MB over 600 MB of refused uploads"


def test_metrics_tell_nothing(board):
    url, _, _ = board
    with urllib.request.urlopen(url + "/_stcore/metrics", timeout=10) as r:
        body = r.read().decode()
    assert "cache_memory_bytes" not in body and "session_events" not in body and "func" not in body
    assert not re.search(r"^[a-z_]+\{", body, re.M), body[:500]            # no metric line at all


def test_a_viewer_clear_cache_message_is_ignored(monkeypatch):
    from streamlit.runtime import caching
    from streamlit.runtime.app_session import AppSession

    from ui import guard

    guard.install()
    cleared = []
    monkeypatch.setattr(caching.cache_data, "clear", lambda: cleared.append("data"))
    monkeypatch.setattr(caching.cache_resource, "clear", lambda: cleared.append("resource"))

    class Session:
        def __init__(self, state):
            self.session_state = self._session_state = state

    AppSession._handle_clear_cache_request(Session({}))
    assert cleared == []                                                     # a viewer: nothing cleared
    AppSession._handle_clear_cache_request(Session({"analyst": "王分析"}))
    assert cleared == ["data", "resource"]                                   # an analyst may


def test_a_plain_streamlit_start_up_banner_looks_nothing_up(tmp_path):
    # `streamlit run app.py` without ui.guard yet: the banner must not look up the LAN or external address
    log = tmp_path / "strace.log"
    code = ("from streamlit import config; from streamlit.web import bootstrap; bootstrap.load_config_options({}); "
            "config.set_option('server.headless', True); bootstrap._print_url(False)")
    out = subprocess.run(["strace", "-f", "-qq", "-s", "256", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
                          "-o", str(log), sys.executable, "-c", code], cwd=str(ROOT), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "localhost" in out.stdout and "External URL" not in out.stdout
    assert outside_attempts(log.read_text()) == []
