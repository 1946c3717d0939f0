"""Accounts: bcrypt hashes in a users file outside the tracked tree, roles and district scopes, and slowed-down
failed logins.

The users file is $BOARD_USERS, else data/users.json (gitignored). It is written
atomically with mode 0600 and holds per name: the bcrypt hash, "role" ("analyst",
the default when absent, or "viewer", who may log in and look but never upload)
and "districts" (codes or names as the administrator wrote them; absent or empty:
the whole city). `python -m board user add NAME [--role viewer] [--district D …]`
creates or resets an account.
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
from board.messages import file_error
from board.parse import normalise_key
from board.store import _now, _write_bytes

MIN_PASSWORD = 8
MAX_NAME = 64
FREE_FAILURES = 3  # mistyping is normal; the delay starts after this many failures in a row
MAX_DELAY = 300.0  # seconds; a locked-out analyst waits at most five minutes
ROLES = {"analyst": "分析员", "viewer": "查看"}
# bcrypt of a random password: unknown names cost as much time as known ones
_DUMMY_HASH = b"$2b$12$V1GJov3uJqmEuIt.Dh.Ya.05m24KmIzFCvV.6ksAu7/4cSNsk43Uy"


def users_path() -> Path:
    env = os.environ.get("BOARD_USERS")
    return Path(env) if env else ROOT / "data" / "users.json"


class UsersFileError(ValueError):
    """The users file is there but cannot be read as one: no account, role or district can be told from it."""


def _load(path: Path) -> dict:
    """The users file; no file is no accounts, a file that cannot be read is UsersFileError (never no accounts:
    that would open a closed board, and `user add` would write over every account)."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"users": {}}
    except OSError as e:
        why = "这是一个文件夹，不是文件" if isinstance(e, IsADirectoryError) else file_error(e)
        raise UsersFileError(f"账号文件无法读取：{path.name}（{why}），请管理员检查") from None
    except ValueError:  # not JSON, or not UTF-8
        raise UsersFileError(f"账号文件无法读取：{path.name}（内容不是有效的账号文件），请管理员检查") from None
    users = doc.get("users") if isinstance(doc, dict) else None
    if not isinstance(users, dict) or not all(isinstance(e, dict) and isinstance(e.get("hash"), str)
                                              for e in users.values()):
        raise UsersFileError(f"账号文件无法读取：{path.name}（格式不对：每个账号应有 hash），请管理员检查")
    return doc


def unreadable(path: Path | None = None) -> str | None:
    """Why the users file cannot be read, in Chinese; None when it can (or there is none)."""
    try:
        _load(path or users_path())
    except UsersFileError as e:
        return str(e)
    return None


def check_name(name: str) -> str:
    """The name stripped, or ValueError in Chinese when it cannot be a user name."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(ord(ch) < 32 or ch in "/\\" for ch in name):
        raise ValueError(f"用户名应为 1–{MAX_NAME} 个字符，不含控制字符或斜杠")
    return name


def add(name: str, password: str, path: Path | None = None, *, role: str | None = None,
        districts: list[str] | None = None) -> None:
    """Create the account, or set a new password for an existing one.

    role and districts, when given, replace the account's; when not, a new account is an analyst of the whole
    city and an existing one keeps its own (a password reset must not widen a district analyst to the city).
    """
    name = check_name(name)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    if role is not None and role not in ROLES:
        raise ValueError(f"角色只能是 {' 或 '.join(ROLES)}（{'、'.join(ROLES.values())}）")
    written = [d.strip() for d in districts or () if d and d.strip()]
    path = path or users_path()
    doc = _load(path)
    old = doc["users"].get(name, {})
    doc["users"][name] = {"hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(),
                          "created": _now(),
                          "role": role or old.get("role", "analyst"),
                          "districts": list(dict.fromkeys(written)) if districts is not None
                          else list(old.get("districts") or [])}
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


def account(name: str | None, path: Path | None = None) -> dict | None:
    """The users-file entry of this name, or None when there is no such account."""
    return _load(path or users_path())["users"].get((name or "").strip()) if name else None


def role(name: str | None, path: Path | None = None) -> str | None:
    """"analyst" or "viewer"; None when there is no such account. An entry without a role is an analyst (users
    files written before viewers existed), one with a role this board does not know may only look."""
    entry = account(name, path)
    if entry is None:
        return None
    r = entry.get("role", "analyst")
    return r if r in ROLES else "viewer"


def scope(name: str | None, path: Path | None = None) -> frozenset[str] | None:
    """The districts (codes or names, as written) the account is limited to; None: every district (an account
    without districts). A name the users file does not hold (a deleted account) may see no district: the empty
    set, never everything; the command line's writer without an account is its own decision (board/cli.py)."""
    entry = account(name, path)
    if entry is None:
        return frozenset()
    written = frozenset(str(d).strip() for d in entry.get("districts") or () if str(d).strip())
    return written or None


def has_viewers(path: Path | None = None) -> bool:
    """True when the users file holds a viewer account: the office then wants the board closed to others. Also
    True when the file cannot be read: whether it holds one is not known, and a broken file never opens a board."""
    try:
        return any(role(n, path) == "viewer" for n in names(path))
    except UsersFileError:
        return True


def resolve_scope(written, lookup) -> frozenset[str] | None:
    """A scope as district codes: each entry matched (NFKC, spaces ignored) against the store's districts by
    code, name or alias. lookup: queries/district_lookup.sql (key, district_code), codes first. An entry that
    names no district gives nothing: a scope never widens because the store does not know a name."""
    if written is None:
        return None
    keys: dict[str, str] = {}
    for key, code in zip(lookup["key"], lookup["district_code"]):
        keys.setdefault(normalise_key(key), code)
    return frozenset(keys[k] for k in (normalise_key(str(e)) for e in written) if k in keys)


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
    try:
        entry = _load(path or users_path())["users"].get(name)
    except UsersFileError:
        return False  # no login while the accounts cannot be read; not the name's failure, so not counted
    hashed = entry["hash"].encode() if entry else _DUMMY_HASH
    try:
        ok = bcrypt.checkpw((password or "").encode(), hashed) and entry is not None
    except ValueError:  # a hash bcrypt cannot read: no password matches it
        ok = False
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
    a.add_argument("--role", choices=list(ROLES), help="analyst 分析员（默认，可上传）或 viewer 查看账号（只能查看）")
    a.add_argument("--district", action="append", metavar="区县",
                   help="只限这个区县（代码或名称，可重复）；不写则为全市")
    a.add_argument("--city", action="store_true", help="取消区县限制，改为全市")
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
    if args.city and args.district:
        raise ValueError("--city（全市）和 --district（只限某些区县）不能同时使用")
    existed = args.name.strip() in names(args.users)
    add(args.name, password, args.users, role=args.role, districts=[] if args.city else args.district)
    name = args.name.strip()
    extra = "，".join(describe(name, args.users))
    print(f"{'已重设密码' if existed else '已新建账号'}：{name}{f'（{extra}）' if extra else ''}"
          f"（{args.users or users_path()}）")
    return 0


def describe(name: str, path: Path | None = None) -> list[str]:
    """The account's role and districts in words, when they are not an analyst's of the whole city."""
    r, s = role(name, path), scope(name, path)
    return ([ROLES[r] + "账号"] if r != "analyst" else []) + ([f"只限 {'、'.join(sorted(s))}"] if s else [])


def cmd_remove(args) -> int:
    if not remove(args.name, args.users):
        raise ValueError(f"没有账号 {args.name}")
    print(f"已删除账号：{args.name}")
    return 0


def cmd_list(args) -> int:
    for n in names(args.users):
        print("\t".join([n, *describe(n, args.users)]))
    return 0
