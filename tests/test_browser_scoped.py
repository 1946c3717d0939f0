"""Viewer accounts in a real Chromium: once the users file holds a viewer, the board is closed before login,
whatever URL is asked for, and open after; the viewer never sees the analyst pages."""

import pytest

from board import auth
from board.ingest import ingest
from board.store import Store
from browser import browser, open_page, screenshot, serve, wait_idle
from test_districts_ingest import DISTRICTS, TOWNS

PASSWORD = "browser-viewer-pass"
LEDGER = "隐患编号,所属镇街,所属区县,发现日期\nH1,城关镇,乙县,2022-12-01\nH2,东湖街道,甲区,2022-12-02\n"


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    base = tmp_path_factory.mktemp("scoped-browser")
    store = Store(base / "store")
    for text, name in ((DISTRICTS, "区县名单.csv"), (TOWNS, "镇街名单.csv"), (LEDGER, "台账.csv")):
        assert ingest(store, text.encode(), name, user="setup").committed
    users = base / "users.json"
    auth.add("观察员", PASSWORD, users, role="viewer", districts=["乙县"])
    auth.add("分析员", PASSWORD, users)
    with serve(store.path, env={"BOARD_USERS": str(users)}) as url:
        yield url


def main_text(w) -> str:
    return w.page.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize("path", ["", "/league", "/upload", "/batches", "/?mode=meeting"])
def test_before_login_every_url_shows_only_the_login_page(board, path):
    with browser() as ctx:
        w = open_page(ctx, board + path, wait_text="本看板需要登录后查看。")
        w.page.get_by_label("用户名").wait_for(timeout=30_000)  # the form is drawn a moment after the caption
        text = main_text(w)
        assert w.page.get_by_label("用户名").count() == 1 and w.page.get_by_label("密码").count() == 1
        assert "镇街排名" not in text and "发现隐患" not in text and "数据上传" not in text
        assert w.page.locator('[data-testid="stSidebarNav"]').count() == 0       # no way to the board
        assert w.page.locator('input[type="file"]').count() == 0
        assert w.outside_requests == []


def test_after_login_the_viewer_sees_the_board_and_no_analyst_page(board):
    with browser() as ctx:
        w = open_page(ctx, board, wait_text="本看板需要登录后查看。")
        w.page.get_by_label("用户名").fill("观察员")
        w.page.get_by_label("密码").fill(PASSWORD)
        w.page.get_by_role("button", name="登录").click()
        w.page.get_by_text("已登录查看账号").wait_for(timeout=30_000)
        nav = w.page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("总览", exact=True).wait_for(timeout=30_000)
        links = nav.inner_text()
        assert "镇街排名" in links
        assert not any(page in links for page in ("数据上传", "批次记录", "指标设置", "晾晒通报"))
        nav.get_by_text("总览", exact=True).click()
        wait_idle(w.page)
        w.page.get_by_text("发现隐患").first.wait_for(timeout=60_000)
        assert "本看板需要登录后查看" not in main_text(w)
        screenshot(w.page, "viewer-after-login")
        assert w.outside_requests == [] and w.console_errors == []
