"""Analyst accounts: bcrypt hashes in a users file outside the tree, a CLI to add users, slowed-down failures."""

import io
import json
import stat

import pytest

from board import auth
from board.cli import main


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv("BOARD_USERS", str(path))
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    return path


def test_password_checked_against_a_bcrypt_hash(users):
    auth.add("王分析", "correct horse")
    text = users.read_text("utf-8")
    assert "correct horse" not in text
    assert json.loads(text)["users"]["王分析"]["hash"].startswith("$2b$")
    assert stat.S_IMODE(users.stat().st_mode) == 0o600                 # readable by the service account only
    assert auth.verify("王分析", "correct horse")
    assert not auth.verify("王分析", "correct horsf")
    assert not auth.verify("nobody", "correct horse")


def test_default_users_file_is_gitignored(monkeypatch):
    monkeypatch.delenv("BOARD_USERS", raising=False)
    path = auth.users_path()
    assert path == auth.ROOT / "data" / "users.json"
    assert "data/users.json" in (auth.ROOT / ".gitignore").read_text().splitlines()


def test_short_password_and_bad_names_refused(users):
    with pytest.raises(ValueError, match="至少"):
        auth.add("王分析", "short")
    for name in ("", "a/b", "x\ty", "x" * 65):
        with pytest.raises(ValueError):
            auth.add(name, "long enough")
    assert not users.exists()


def test_cli_adds_and_lists_users_with_password_on_stdin(users, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "李分析", "--password-stdin"]) == 0
    assert "已新建账号" in capsys.readouterr().out
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out.split() == ["李分析"]
    assert auth.verify("李分析", "s3cret-pass")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "李分析", "--password-stdin"]) == 2      # a plain error, no traceback
    assert "至少" in capsys.readouterr().err


def test_failures_beyond_the_free_ones_lock_the_name_for_doubling_delays():
    th = auth.Throttle()
    for i in range(auth.FREE_FAILURES):
        assert th.retry_after("a", now=100.0) == 0
        th.failed("a", now=100.0)
    assert th.retry_after("a", now=100.0) == 1.0                          # 3 failures → wait 1 s
    th.failed("a", now=101.0)
    assert th.retry_after("a", now=101.0) == 2.0                          # then 2 s, 4 s, …
    for _ in range(30):
        th.failed("a", now=200.0)
    assert th.retry_after("a", now=200.0) == auth.MAX_DELAY               # bounded
    assert th.retry_after("b", now=200.0) == 0                            # per name
    th.succeeded("a")
    assert th.retry_after("a", now=200.0) == 0


def test_locked_name_is_refused_even_with_the_right_password(users):
    auth.add("王分析", "correct horse")
    for _ in range(auth.FREE_FAILURES):
        assert not auth.verify("王分析", "wrong")
    assert not auth.verify("王分析", "correct horse")


def test_throttle_memory_is_bounded():
    th = auth.Throttle(max_names=10)
    for i in range(50):
        th.failed(f"n{i}", now=float(i))
    assert len(th._failures) <= 10


# -- a users file that cannot be read ---------------------------------------------------------------


BROKEN = {  # how the file is broken → the reason the message gives
    "not json": (lambda p: p.write_text('{"users": {"王分析": ', "utf-8"), "内容不是有效的账号文件"),
    "not utf-8": (lambda p: p.write_bytes(b'{"users": {"\xff": {}}}'), "内容不是有效的账号文件"),
    "wrong shape": (lambda p: p.write_text('{"users": ["王分析"]}', "utf-8"), "格式不对"),
    "a folder": (lambda p: p.mkdir(), "这是一个文件夹，不是文件"),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_an_unreadable_users_file_closes_the_board_and_refuses_every_login(users, broken):
    auth.add("王分析", "correct horse")
    users.unlink()
    make, reason = BROKEN[broken]
    make(users)
    why = auth.unreadable()
    assert why.startswith("账号文件无法读取：users.json（") and reason in why and why.endswith("请管理员检查")
    assert auth.has_viewers()                                  # closed to anonymous visitors, never opened
    assert not auth.verify("王分析", "correct horse")
    with pytest.raises(auth.UsersFileError):                   # never written over as if there were no accounts
        auth.add("李分析", "long enough")


def test_cli_says_the_users_file_is_unreadable_and_leaves_it_alone(users, monkeypatch, capsys):
    users.write_text("not json", "utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "李分析", "--password-stdin"]) == 2
    assert "账号文件无法读取" in capsys.readouterr().err
    assert users.read_text("utf-8") == "not json"


def test_with_an_unreadable_users_file_every_page_is_the_login_page_with_the_reason(users, tmp_path, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from board.store import Store
    from conftest import page_path

    monkeypatch.setenv("BOARD_STORE", str(Store(tmp_path / "store").path))
    users.write_text("{broken", "utf-8")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.session_state["analyst"] = "王分析"                       # a session logged in before the file broke
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["登录"] and "analyst" not in at.session_state
    assert [e.value for e in at.error] == ["账号文件无法读取：users.json（内容不是有效的账号文件），请管理员检查"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("overview"))
    at.text_input(key="login_name").input("王分析")
    at.text_input(key="login_password").input("correct horse")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception and "analyst" not in at.session_state
    assert "账号文件无法读取" in at.error[-1].value
