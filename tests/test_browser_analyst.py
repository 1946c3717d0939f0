"""The analyst workflow in a real Chromium: log in, upload a GBK CSV through the file input, confirm, see it ranked;
viewers get nothing of the analyst pages; data that looks like HTML or a formula stays plain text."""

import pytest

from board import auth
from board.ingest import ingest
from board.store import Store
from browser import browser, open_page, screenshot, serve, wait_idle
from test_ingest import GOOD, HEADER, TOWNS_CSV

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
PASSWORD = "browser-test-pass"


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    base = tmp_path_factory.mktemp("analyst-browser")
    store = Store(base / "store")
    assert ingest(store, TOWNS_CSV.encode(), "镇街名单.csv", user="setup").committed
    users = base / "users.json"
    auth.add("分析员", PASSWORD, users)
    with serve(store.path, env={"BOARD_USERS": str(users)}) as url:
        yield url, store


@pytest.mark.parametrize("page", ["upload", "notice"])
def test_cold_server_url_of_an_analyst_page_shows_nothing_of_it(tmp_path, page):
    """The very first request of a fresh server goes through app.py's router too (no legacy pages/ folder)."""
    store = Store(tmp_path / "store")
    assert ingest(store, TOWNS_CSV.encode(), "镇街名单.csv", user="setup").committed
    with serve(store.path) as url, browser() as ctx:
        w = open_page(ctx, url + "/" + page)
        w.page.wait_for_timeout(3000)
        main = w.page.locator('[data-testid="stMain"]').inner_text()
        assert w.page.locator('input[type="file"]').count() == 0
        assert "数据上传" not in main and "晾晒通报" not in main
        assert "总览" in main                                  # the viewer lands on the default page


def login(ctx, url):
    w = open_page(ctx, url, wait_text="总览")
    dialogs = []
    w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    go(w, "分析员登录")
    w.page.get_by_label("用户名").fill("分析员")
    w.page.get_by_label("密码").fill(PASSWORD)
    w.page.get_by_role("button", name="登录").click()
    w.page.get_by_text("已登录分析员").wait_for(timeout=30_000)
    w.page.locator('[data-testid="stSidebarNav"]').get_by_text("数据上传", exact=True).wait_for(timeout=30_000)
    wait_idle(w.page)
    return w, dialogs


def go(w, title):
    """Follow a sidebar link (a client-side switch: the session and its login are kept)."""
    w.page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(w.page)


def upload(w, name, data):
    w.page.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    wait_idle(w.page)


def test_gbk_csv_uploaded_and_confirmed_appears_in_the_league_table(board):
    url, store = board
    gbk = (HEADER + "\n".join(GOOD) + "\n").encode("gbk")
    with browser() as ctx:
        w, dialogs = login(ctx, url)
        go(w, "数据上传")
        upload(w, "台账-gbk.csv", gbk)
        w.page.get_by_text("校验通过（尚未写入）").wait_for(timeout=60_000)
        assert [e["dataset"] for e in store.events()] == ["towns"]          # nothing written before confirming
        screenshot(w.page, "analyst-upload-report")
        w.page.get_by_role("button", name="确认导入").click()
        w.page.get_by_text("已导入").first.wait_for(timeout=60_000)
        wait_idle(w.page)
        screenshot(w.page, "analyst-upload-done")
        assert store.events()[-1]["user"] == "分析员"
        go(w, "镇街排名")
        w.page.get_by_text("乙街道").first.wait_for(timeout=60_000)
        screenshot(w.page, "analyst-league-after-upload")
        assert w.page.get_by_text("甲镇").count() > 0
        assert dialogs == [] and w.outside_requests == []


@pytest.mark.parametrize("path", ["upload", "batches", "definitions", "boundaries"])
def test_viewer_opening_an_analyst_url_gets_nothing_of_it(board, path):
    url, _ = board
    with browser() as ctx:
        w = open_page(ctx, f"{url}/{path}")
        body = w.page.locator('[data-testid="stMain"]').inner_text()
        assert w.page.locator('input[type="file"]').count() == 0
        for word in ("数据上传", "批次记录", "指标设置", "镇街边界", "确认导入", "回滚"):
            assert word not in body
        nav = w.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "数据上传" not in nav and "分析员登录" in nav


def test_html_and_formulas_in_data_stay_plain_text_and_run_nothing(board):
    url, store = board
    header = HEADER.strip() + f",{XSS}\n"
    rows = [GOOD[0].replace("甲厂", f'"{FORMULA.replace(chr(34), chr(34) * 2)}"') + f",{XSS}",
            GOOD[1] + ",x"]
    data = (header + "\n".join(rows) + "\n").encode("utf-8")
    with browser() as ctx:
        w, dialogs = login(ctx, url)
        go(w, "数据上传")
        upload(w, "xss.csv", data)
        w.page.get_by_text("校验通过（尚未写入）").wait_for(timeout=60_000)
        # the unused header is named in a notice: as the characters it is, not as an element
        assert w.page.get_by_text(XSS, exact=False).count() >= 1
        assert w.page.locator('img[src="x"]').count() == 0
        w.page.get_by_role("button", name="确认导入").click()
        w.page.get_by_text("已导入").first.wait_for(timeout=60_000)
        for title in ("批次记录", "指标设置", "镇街边界", "账号"):
            go(w, title)
            assert w.page.locator('img[src="x"]').count() == 0
        screenshot(w.page, "analyst-xss-account")
        assert dialogs == []
        assert w.console_errors == [] and w.outside_requests == []
