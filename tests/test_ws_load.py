"""tools/ws_load speaks Streamlit's own websocket protocol to a real server, and counts what goes wrong;
tools/sticky_proxy pins each viewer to one backend, passes HTTP and websockets, stays bounded and local."""

import asyncio
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import free_port, serve_process
from tools import sticky_proxy, ws_load
from tools.ws_load import Page

# a page that runs cleanly, or raises when the URL asks it to (as a bad query string would)
TINY_APP = """
import streamlit as st
st.title("ok")
if st.query_params.get("boom"):
    raise ValueError("boom")
st.write("done")
"""


@contextmanager
def tiny_server(folder: Path):
    """Streamlit serving TINY_APP on a free loopback port, with the board's .streamlit/config.toml
    (errors shown without details, no usage stats, no address look-ups)."""
    script = folder / "tiny.py"
    script.write_text(TINY_APP)
    with serve_process(script=script, timeout=60) as (url, proc):
        yield url, proc


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    # an empty real store: the board falls back to the demo district
    with serve_process(tmp_path_factory.mktemp("empty-store")) as (url, proc):
        yield url, proc


def load(url: str, viewers: int, reruns: int, **kw) -> dict:
    kw = {"think": 0.2, "ramp": 0.5, "timeout": 60, "warmup": 0, **kw}
    return asyncio.run(ws_load.run(url, viewers, reruns, **kw))


def test_three_viewers_rerun_the_overview_twice_each(board):
    url, proc = board
    port = int(url.rsplit(":", 1)[1])
    assert ws_load.pid_on_port(port) == proc.pid
    r = load(url, 3, 2, warmup=1, watch={proc.pid: "server"})
    assert r["warmup_failures"] == []
    assert r["reruns_asked"] == 6
    assert r["reruns_ok"] == 6 and r["failures"] == 0, r["failure_samples"]
    assert r["pages_ran"] == {"/ · 总览": 6}  # the default page is the overview, in Chinese
    assert 0 < r["rerun_p50_s"] <= r["rerun_p95_s"] <= r["rerun_max_s"]
    assert r["first_rerun_p50_s"] > 0 and r["later_rerun_p50_s"] > 0
    assert r["messages_per_rerun_p50"] > 10  # the deltas of a whole page, not just the lifecycle messages
    (server,) = r["servers"]
    assert server["pid"] == proc.pid and server["rss_peak_gb"] > 0.05
    assert len(r["load_avg_before"]) == len(r["load_avg_after"]) == 3


def test_a_page_the_board_does_not_have_is_a_failure(board):
    url, _ = board
    r = load(url, 1, 2, pages=[Page.parse("/nosuchpage?lang=en")])
    # the first run finds no such page (the board shows its default page instead); the second reruns that page
    assert r["failures"] == 1 and r["reruns_ok"] == 1
    assert r["failure_samples"] == ["页面不存在：nosuchpage"]
    assert r["pages_ran"] == {"/ · Overview": 1}


def test_a_page_that_raises_is_counted_not_hidden(tmp_path):
    with tiny_server(tmp_path) as (url, _):
        # viewer 0 asks for ?boom=1 twice (both fail), viewer 1 for the plain page twice (both finish)
        r = load(url, 2, 2, pages=[Page.parse("?boom=1"), Page.parse("")])
    assert r["reruns_ok"] == 2 and r["failures"] == 2
    assert r["failure_reasons"] == {"页面显示异常": 2}
    # the board's config hides the error's details; what the viewer saw is still counted
    assert r["failure_samples"] == [r["failure_samples"][0]] and "error" in r["failure_samples"][0]


def test_a_server_stopped_mid_run_fails_the_reruns_left(tmp_path):
    with tiny_server(tmp_path) as (url, proc):
        def stop_after_first(rerun):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

        # one viewer, three reruns: the first finishes, then the server is gone for the other two
        r = load(url, 1, 3, on_rerun=stop_after_first)
    assert r["reruns_ok"] == 1 and r["failures"] == 2
    assert r["failure_reasons"] == {"连接中断": 2}


def test_a_server_that_is_not_there_fails_every_rerun():
    r = load(f"http://127.0.0.1:{free_port()}", 2, 3, timeout=5)
    assert r["reruns_ok"] == 0 and r["failures"] == 6  # two sessions that never opened, three reruns each
    assert r["failure_reasons"] == {"无法打开会话": 6}
    assert r["rerun_p50_s"] is None


def test_viewers_through_the_proxy_are_spread_over_the_backends(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with tiny_server(tmp_path / "a") as (a, _), tiny_server(tmp_path / "b") as (b, _):
        proxy = sticky_proxy.StickyProxy([sticky_proxy.loopback(u.split("//")[1]) for u in (a, b)])

        async def go():
            server = await proxy.start("127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            async with server:
                return await ws_load.run(f"http://127.0.0.1:{port}", 4, 2, think=0.2, ramp=0.4, timeout=60,
                                         warmup=0)

        r = asyncio.run(go())
    assert r["reruns_ok"] == 8 and r["failures"] == 0, r["failure_samples"]
    # four new visitors in turn over two backends; each viewer's websocket went where its cookie said
    assert proxy.websockets == {0: 2, 1: 2}
    # per viewer: the page, the two pings, the websocket; the pings and the socket carried the cookie
    assert proxy.requests == {0: 8, 1: 8}


# --- the proxy alone, in front of backends that say who they are -------------------------------------

async def fake_backend(tag: str) -> asyncio.Server:
    """Answers GET with its tag and the cookie it was sent; an Upgrade with 101, then echoes prefixed by its tag."""
    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        if b"upgrade: websocket" in head.lower():
            writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            while data := await reader.read(100):
                writer.write(tag.encode() + b":" + data)
                await writer.drain()
        else:
            body = f"{tag} {sticky_proxy.cookie(head, sticky_proxy.COOKIE)}".encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def get(port: int, cookie: str | None = None) -> tuple[str, str]:
    """(the answer's head, its body) for GET / through the proxy."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n" + (f"Cookie: a=1; {cookie}\r\n".encode() if cookie else b"")
                 + b"Connection: close\r\n\r\n")
    answer = await reader.read()
    writer.close()
    head, _, body = answer.decode().partition("\r\n\r\n")
    return head, body


@contextmanager
def proxied(n: int, **kw):
    """A running loop with n fake backends behind a StickyProxy: yields (loop, proxy, proxy port)."""
    loop = asyncio.new_event_loop()
    try:
        backends = [loop.run_until_complete(fake_backend(f"b{i}")) for i in range(n)]
        proxy = sticky_proxy.StickyProxy([("127.0.0.1", s.sockets[0].getsockname()[1]) for s in backends], **kw)
        server = loop.run_until_complete(proxy.start())
        yield loop, proxy, server.sockets[0].getsockname()[1]
        for s in (server, *backends):
            s.close()
    finally:
        pending = asyncio.all_tasks(loop)  # connections still open when the test ends
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()


def test_new_visitors_take_the_backends_in_turn_and_keep_theirs():
    with proxied(3) as (loop, proxy, port):
        first = [loop.run_until_complete(get(port)) for _ in range(4)]
        assert [body for _, body in first] == ["b0 None", "b1 None", "b2 None", "b0 None"]
        assert [f"Set-Cookie: board_backend={i}; Path=/; HttpOnly; SameSite=Lax" in head
                for i, (head, _) in zip([0, 1, 2, 0], first)] == [True] * 4
        head, body = loop.run_until_complete(get(port, "board_backend=1"))
        assert body == "b1 1" and "Set-Cookie" not in head  # the cookie reaches the backend unchanged
        # a cookie naming a backend that is not there any more: a new pin, the next in turn
        head, body = loop.run_until_complete(get(port, "board_backend=7"))
        assert body == "b1 7" and "board_backend=1" in head
        assert proxy.requests == {0: 2, 1: 3, 2: 1}


def test_pinning_by_address_puts_one_machine_on_one_backend():
    with proxied(3, pin="address") as (loop, proxy, port):
        bodies = {loop.run_until_complete(get(port))[1] for _ in range(4)}
        assert len(bodies) == 1


def test_a_websocket_passes_through_to_the_pinned_backend():
    with proxied(3) as (loop, proxy, port):
        async def talk():
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /_stcore/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Cookie: board_backend=2\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(b"hello")
            echoed = await reader.readexactly(len(b"b2:hello"))
            writer.close()
            return head, echoed

        head, echoed = loop.run_until_complete(talk())
        assert head.startswith(b"HTTP/1.1 101") and echoed == b"b2:hello"
        assert proxy.websockets == {2: 1}


def test_connections_past_the_bound_are_answered_503():
    with proxied(1, max_connections=1) as (loop, proxy, port):
        async def two():
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            await reader.readuntil(b"\r\n\r\n")  # the first connection is open and held
            second = await get(port)
            writer.close()
            return second

        head, body = loop.run_until_complete(two())
        assert head.startswith("HTTP/1.1 503") and body == "看板连接数已满，请稍后再试。"
        assert proxy.refused == 1


def test_a_backend_that_does_not_answer_gives_a_plain_502():
    with proxied(1) as (loop, proxy, port):
        proxy.backends = [("127.0.0.1", free_port())]
        head, body = loop.run_until_complete(get(port))
        assert head.startswith("HTTP/1.1 502") and body == "看板服务暂时没有响应，请稍后再试。"


def test_the_proxy_stays_on_loopback():
    with pytest.raises(ValueError):
        sticky_proxy.loopback("0.0.0.0:8500")
    with pytest.raises(ValueError):
        sticky_proxy.StickyProxy([("10.0.0.5", 8501)])
    with pytest.raises(ValueError):
        asyncio.run(sticky_proxy.StickyProxy([("127.0.0.1", 8501)]).start("0.0.0.0", 0))
    assert sticky_proxy.main(["--listen", "192.168.1.2:80", "--backend", "127.0.0.1:8501"]) == 2
