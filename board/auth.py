"""Analyst accounts: bcrypt hashes in a users file outside the tracked tree, and slowed-down failed logins.

The users file is $BOARD_USERS, else data/users.json (gitignored). It holds
only names and bcrypt hashes and is written atomically with mode 0600.
`python -m board user add NAME` creates or resets an account.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import threading
import time
from pathlib import Path

import bcrypt

from board import ROOT
from board.store import _now, _write_bytes

MIN_PASSWORD = 8
MAX_NAME = 64
FREE_FAILURES = 3  # mistyping is normal; the delay starts after this many failures in a row
MAX_DELAY = 300.0  # seconds; a locked-out analyst waits at most five minutes
# bcrypt of a random password: unknown names cost as much time as known ones
_DUMMY_HASH = b"$2b$12$V1GJov3uJqmEuIt.Dh.Ya.05m24KmIzFCvV.6ksAu7/4cSNsk43Uy"


def users_path() -> Path:
    env = os.environ.get("BOARD_USERS")
    return Path(env) if env else ROOT / "data" / "users.json"


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"users": {}}


def check_name(name: str) -> str:
    """The name stripped, or ValueError in Chinese when it cannot be a user name."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(ord(ch) < 32 or ch in "/\\" for ch in name):
        raise ValueError(f"用户名应为 1–{MAX_NAME} 个字符，不含控制字符或斜杠")
    return name


def add(name: str, password: str, path: Path | None = None) -> None:
    """Create the account, or set a new password for an existing one."""
    name = check_name(name)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    path = path or users_path()
    doc = _load(path)
    doc["users"][name] = {"hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(),
                          "created": _now()}
    _write_bytes(path, json.dumps(doc, ensure_ascii=False, indent=1).encode())
    os.chmod(path, 0o600)


def remove(name: str, path: Path | None = None) -> bool:
    path = path or users_path()
    doc = _load(path)
    if doc["users"].pop(name, None) is None:
        return False
    _write_bytes(path, json.dumps(doc, ensure_ascii=False, indent=1).encode())
    return True


def names(path: Path | None = None) -> list[str]:
    return sorted(_load(path or users_path())["users"])


class Throttle:
    """Per-name count of failures in a row; after FREE_FAILURES each further try waits twice as long."""

    def __init__(self, max_names: int = 10_000):
        self._failures: dict[str, tuple[int, float]] = {}  # name → (failures, time of the last)
        self._lock = threading.Lock()
        self._max = max_names

    def retry_after(self, name: str, now: float | None = None) -> float:
        """Seconds until this name may try again (0 when it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            n, last = self._failures.get(name, (0, 0.0))
        if n < FREE_FAILURES:
            return 0.0
        return max(0.0, last + min(2.0 ** (n - FREE_FAILURES), MAX_DELAY) - now)

    def failed(self, name: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            n, _ = self._failures.get(name, (0, 0.0))
            self._failures[name] = (n + 1, now)
            if len(self._failures) > self._max:  # bounded: forget the oldest entries
                for k, _v in sorted(self._failures.items(), key=lambda kv: kv[1][1])[: self._max // 10]:
                    del self._failures[k]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


THROTTLE = Throttle()


def throttle_key(name: str, client: str | None) -> str:
    """Failures count per name *and* client: a stranger's wrong passwords slow down the stranger, not the
    analyst who logs in from their own machine."""
    return f"{name}\x00{client or ''}"


def verify(name: str, password: str, path: Path | None = None, throttle: Throttle | None = None,
           client: str | None = None) -> bool:
    """True when the password is the account's; refuses without checking while this name from this client
    is slowed down."""
    throttle = throttle or THROTTLE
    name = (name or "").strip()
    key = throttle_key(name, client)
    if throttle.retry_after(key) > 0:
        return False
    entry = _load(path or users_path())["users"].get(name)
    hashed = entry["hash"].encode() if entry else _DUMMY_HASH
    ok = bcrypt.checkpw((password or "").encode(), hashed) and entry is not None
    if ok:
        throttle.succeeded(key)
    else:
        throttle.failed(key)
    return ok


# -- python -m board user … ----------------------------------------------------------


def register(sub) -> None:
    sp = sub.add_parser("user", help="分析员账号（用户文件默认 BOARD_USERS，否则 data/users.json）")
    sp.add_argument("--users", type=Path, help="用户文件路径")
    users = sp.add_subparsers(dest="user_command", required=True)
    a = users.add_parser("add", help="新建账号或重设密码")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")
    a.set_defaults(func=cmd_add)
    r = users.add_parser("remove", help="删除账号")
    r.add_argument("name")
    r.set_defaults(func=cmd_remove)
    ls = users.add_parser("list", help="列出账号")
    ls.set_defaults(func=cmd_list)


def cmd_add(args) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一次：") != password:
            raise ValueError("两次输入的密码不一致")
    existed = args.name.strip() in names(args.users)
    add(args.name, password, args.users)
    print(f"{'已重设密码' if existed else '已新建账号'}：{args.name.strip()}（{args.users or users_path()}）")
    return 0


def cmd_remove(args) -> int:
    if not remove(args.name, args.users):
        raise ValueError(f"没有账号 {args.name}")
    print(f"已删除账号：{args.name}")
    return 0


def cmd_list(args) -> int:
    for n in names(args.users):
        print(n)
    return 0
