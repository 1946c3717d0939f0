"""The worst files of the adversarial pass (a Parquet of raw bytes, a mixed-encoding CSV, a 1.2 MB header),
uploaded through the page by a logged-in analyst on the guarded server: each is refused in Chinese, and a
viewer's browser session on the same server keeps working throughout."""

import pytest

from board import auth
from board.ingest import ingest
from board.store import Store
from browser import browser, open_page, wait_idle
from test_browser_analyst import PASSWORD, go, login, upload
from test_ingest import TOWNS_CSV
from test_messages import huge_header_csv, mixed_encoding_csv, raw_bytes_parquet
from test_server_guard import outside_attempts, traced_board

FILES = [("台账.parquet", raw_bytes_parquet), ("台账-混合编码.csv", mixed_encoding_csv),
         ("台账-超长表头.csv", huge_header_csv)]


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-files")
    store = Store(base / "store")
    assert ingest(store, TOWNS_CSV.encode(), "镇街名单.csv", user="setup").committed
    users = base / "users.json"
    auth.add("分析员", PASSWORD, users)
    with traced_board(store.path, users) as (url, _, log):
        yield url, store, log


def test_bad_files_are_refused_while_a_viewer_keeps_working(board):
    url, store, log = board
    with browser() as ctx:
        viewer = open_page(ctx, url, wait_text="总览")
        w, dialogs = login(ctx, url)
        go(w, "数据上传")
        for name, make in FILES:
            upload(w, name, make())
            w.page.get_by_text("未通过校验").first.wait_for(timeout=60_000)
            main = w.page.locator('[data-testid="stMain"]').inner_text()
            # the reasons are in the problems table (a canvas); their wording is tested in test_messages.py
            assert w.page.locator('[data-testid="stException"]').count() == 0
            assert "Traceback" not in main and "codec" not in main and "Error" not in main
            # the viewer's session on the same server still answers
            viewer.page.locator('[data-testid="stSidebarNav"]').get_by_text("镇街排名", exact=True).click()
            wait_idle(viewer.page)
            viewer.page.locator('[data-testid="stSidebarNav"]').get_by_text("总览", exact=True).click()
            wait_idle(viewer.page)
            assert viewer.page.locator('[data-testid="stException"]').count() == 0
        assert [e["dataset"] for e in store.events()] == ["towns"]          # nothing was written
        assert viewer.console_errors == [] and viewer.outside_requests == [] and dialogs == []
    assert outside_attempts(log.read_text()) == []
