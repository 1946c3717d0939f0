"""A small sticky reverse proxy for several board processes on one machine: 127.0.0.1 only, bounded.

    .venv/bin/python -m tools.sticky_proxy --listen 127.0.0.1:8500 \\
        --backend 127.0.0.1:8501 --backend 127.0.0.1:8502 --backend 127.0.0.1:8503 [--max-connections 512]

Streamlit keeps a viewer's session (period, language, login) in the process that holds its websocket, so a
viewer must stay on one process (SCALING.md, "Scaling out on one store"). A browser's first request goes to
the next backend in turn and its answer carries a cookie naming that backend; every later request with the
cookie, the websocket's included, goes to the same backend. `--pin address` pins by the client's address
instead (nginx's ip_hash), which puts every viewer behind one address (a load test's included) on one process.

Only the head of a connection's first request is read; after it, bytes pass both ways untouched, so HTTP
keep-alive and the websocket (Upgrade) work without being parsed. A connection past --max-connections is
answered 503 at once; a head larger than 64 KB or slower than 30 s is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import zlib
from collections import Counter

COOKIE = "board_backend"
HEAD_LIMIT = 64 * 1024
HEAD_TIMEOUT_S = 30.0
# once one side has closed, what the other still has in flight gets this long to arrive
LINGER_S = 30.0
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _reply(status: str, text: str) -> bytes:
    body = text.encode()
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\nRetry-After: 5\r\n\r\n").encode() + body


BUSY = _reply("503 Service Unavailable", "看板连接数已满，请稍后再试。")
NO_BACKEND = _reply("502 Bad Gateway", "看板服务暂时没有响应，请稍后再试。")


def loopback(text: str) -> tuple[str, int]:
    """'127.0.0.1:8501' as (host, port); anything but a loopback address is refused (nothing leaves the machine)."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if host not in LOOPBACK or not port.isdigit():
        raise ValueError(f"{text}：只接受本机回环地址与端口，例如 127.0.0.1:8501")
    return host, int(port)


def _headers(head: bytes) -> list[tuple[bytes, bytes]]:
    out = []
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            out.append((name.strip().lower(), value.strip()))
    return out


def cookie(head: bytes, name: str) -> str | None:
    """The value of one cookie in a request head, if sent."""
    for key, value in _headers(head):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def is_upgrade(head: bytes) -> bool:
    return any(k == b"upgrade" and v.lower() == b"websocket" for k, v in _headers(head))


def with_cookie(response_head: bytes, backend: int) -> bytes:
    """The response head with the pin cookie added before its closing blank line."""
    line = f"Set-Cookie: {COOKIE}={backend}; Path=/; HttpOnly; SameSite=Lax\r\n".encode()
    return response_head[:-2] + line + b"\r\n"


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    """Copy until src ends, then pass the end on as a half-close."""
    try:
        while data := await src.read(65536):
            dst.write(data)
            await dst.drain()
        if dst.can_write_eof():
            dst.write_eof()
    except (ConnectionError, OSError):
        pass


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        try:
            writer.close()
        except (ConnectionError, OSError, RuntimeError):
            pass


class StickyProxy:
    """Pins each client to one backend; counts what it passed."""

    def __init__(self, backends: list[tuple[str, int]], max_connections: int = 512, pin: str = "cookie"):
        if not backends:
            raise ValueError("至少需要一个后端")
        if pin not in ("cookie", "address"):
            raise ValueError(f"--pin 只能是 cookie 或 address，不是 {pin}")
        for host, _ in backends:
            if host not in LOOPBACK:
                raise ValueError(f"{host}：后端只能在本机回环地址上")
        self.backends = list(backends)
        self.max_connections = max_connections
        self.pin = pin
        self.active = 0
        self.refused = 0
        self.requests: Counter[int] = Counter()    # connections passed to each backend (by index)
        self.websockets: Counter[int] = Counter()  # of which websocket upgrades
        self._next = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
        """Listen on a loopback address (port 0: any free port, see server.sockets)."""
        if host not in LOOPBACK:
            raise ValueError(f"{host}：代理只能监听本机回环地址")
        return await asyncio.start_server(self._handle, host, port, limit=HEAD_LIMIT)

    def choose(self, head: bytes, peer) -> tuple[int, bool]:
        """(backend index, whether this answer must set the pin cookie)."""
        if self.pin == "address":
            return zlib.crc32(str(peer[0] if peer else "").encode()) % len(self.backends), False
        pinned = cookie(head, COOKIE)
        if pinned is not None and pinned.isdigit() and int(pinned) < len(self.backends):
            return int(pinned), False
        i = self._next
        self._next = (i + 1) % len(self.backends)
        return i, True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.active >= self.max_connections:
            self.refused += 1
            try:
                # read the request first: closing with it unread would reset the connection before the 503 arrives
                await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 1.0)
                writer.write(BUSY)
                await writer.drain()
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ConnectionError, OSError):
                pass
            _close(writer)
            return
        self.active += 1
        upstream = None
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ConnectionError, OSError):
                return
            i, new = self.choose(head, writer.get_extra_info("peername"))
            try:
                up_reader, upstream = await asyncio.open_connection(*self.backends[i], limit=HEAD_LIMIT)
            except OSError:
                writer.write(NO_BACKEND)
                await writer.drain()
                return
            self.requests[i] += 1
            if is_upgrade(head):
                self.websockets[i] += 1
            upstream.write(head)
            if new:
                try:
                    answer = await up_reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
                    return
                writer.write(with_cookie(answer, i))
            pipes = {asyncio.create_task(_pipe(reader, upstream)), asyncio.create_task(_pipe(up_reader, writer))}
            _, pending = await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            if pending:
                _, pending = await asyncio.wait(pending, timeout=LINGER_S)
            for task in pending:
                task.cancel()
        except (ConnectionError, OSError):
            pass
        finally:
            self.active -= 1
            _close(upstream)
            _close(writer)


async def serve(listen: tuple[str, int], proxy: StickyProxy) -> None:
    server = await proxy.start(*listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"粘性代理：http://{listen[0]}:{listen[1]} → "
          + "、".join(f"{h}:{p}" for h, p in proxy.backends), file=sys.stderr, flush=True)
    async with server:
        await stop.wait()
    print(f"粘性代理已停止：各后端连接数 {dict(proxy.requests)}，其中 websocket {dict(proxy.websockets)}，"
          f"因连接数已满拒绝 {proxy.refused} 个", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.sticky_proxy", description="本机粘性反向代理（多个看板进程）")
    ap.add_argument("--listen", default="127.0.0.1:8500", help="监听地址（只能是本机回环地址）")
    ap.add_argument("--backend", action="append", required=True, help="后端地址，可重复：127.0.0.1:8501")
    ap.add_argument("--max-connections", type=int, default=512, help="同时连接数上限（超出即答 503）")
    ap.add_argument("--pin", choices=("cookie", "address"), default="cookie",
                    help="cookie：新访客轮流分配并以 cookie 固定；address：按客户端地址固定")
    args = ap.parse_args(argv)
    try:
        listen = loopback(args.listen)
        proxy = StickyProxy([loopback(b) for b in args.backend], args.max_connections, args.pin)
    except ValueError as e:
        print(f"✗ {e}", file=sys.stderr)
        return 2
    asyncio.run(serve(listen, proxy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
