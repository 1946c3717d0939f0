"""Real exports through the upload page in Chromium: Baltimore's 311 ledger mapped, its bad rows set aside on the
analyst's explicit choice, committed; a workbook with a stray cell at XFD1048576 and a zip bomb uploaded while the
server keeps serving. The Baltimore walkthrough counts the analyst's steps (clicks, selections, the file pick)."""

import pytest

from board import auth
from board.ingest import ingest
from board.store import Store, set_aside_rows
from browser import browser, screenshot, serve_process, wait_idle
from test_browser_analyst import PASSWORD, go, login
from test_ingest import TOWNS_CSV
from test_real_exports import REAL, stray_cell_workbook, zip_bomb_workbook

BALTIMORE_MAP = {"隐患编号 *": "SRRecordID", "所属镇街 *": "CouncilDistrict", "发现日期 *": "CreatedDate",
                 "整改期限": "DueDate", "整改完成日期": "CloseDate", "销号日期": "CloseDate", "隐患类别": "SRType"}


@pytest.fixture
def server(tmp_path):
    users = tmp_path / "users.json"
    auth.add("分析员", PASSWORD, users)
    # a real store with its town list (an empty one would show the demo district instead)
    assert ingest(Store(tmp_path / "store"), TOWNS_CSV.encode(), "镇街名单.csv", user="setup").committed
    with serve_process(tmp_path / "store", env={"BOARD_USERS": str(users)}) as (url, proc):
        yield url, proc, Store(tmp_path / "store")


class Steps:
    """The analyst's actions, counted as they are done."""

    def __init__(self, w):
        self.w, self.n = w, 0

    def pick_file(self, name, data, mime="text/csv"):
        self.n += 1
        self.w.page.locator('input[type="file"]').set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": data}])
        wait_idle(self.w.page, 120_000)

    def select(self, label, option):
        self.n += 1
        box = self.w.page.get_by_role("combobox", name=label, exact=True).first  # Streamlit's react-aria ComboBox
        box.click()
        box.fill(option)
        self.w.page.get_by_role("option", name=option, exact=True).first.click()
        wait_idle(self.w.page, 120_000)

    def click_text(self, text):
        self.n += 1
        self.w.page.get_by_text(text).first.click()
        wait_idle(self.w.page, 120_000)


def test_baltimore_through_the_upload_page_sets_888_aside_and_commits_9112(server):
    url, proc, store = server
    data = (REAL / "baltimore_311_sample_2019.csv").read_bytes()
    with browser() as ctx:
        w, dialogs = login(ctx, url)
        steps = Steps(w)
        steps.n += 1
        go(w, "数据上传")
        steps.pick_file("baltimore_311_sample_2019.csv", data)
        steps.select("数据类型", "隐患问题台账")
        for label, header in BALTIMORE_MAP.items():
            steps.select(label, header)
        # Latitude/Longitude are matched by their aliases: nothing to choose
        w.page.get_by_text("把未登记的镇街登记为新镇街").wait_for(timeout=60_000)
        steps.click_text("把未登记的镇街登记为新镇街")
        w.page.get_by_text("先导入没有问题的 9,112 行，把有问题的 888 行放在一边").wait_for(timeout=60_000)
        assert [e["dataset"] for e in store.events()] == ["towns"]         # nothing written yet
        steps.click_text("先导入没有问题的 9,112 行，把有问题的 888 行放在一边")
        w.page.get_by_text("校验通过（尚未写入）").wait_for(timeout=120_000)
        screenshot(w.page, "real-exports-baltimore-partial")
        steps.n += 1
        w.page.get_by_role("button", name="确认导入").click()
        w.page.get_by_text("已导入").first.wait_for(timeout=120_000)
        wait_idle(w.page)
        w.page.get_by_text("下载放在一边的行（Excel，含行号和原因）").wait_for(timeout=30_000)
        screenshot(w.page, "real-exports-baltimore-done")
        hazards = [e for e in store.events() if e["dataset"] == "hazards"]
        assert [(e["rows"], e["set_aside"], e["user"]) for e in hazards] == [(9112, 888, "分析员")]
        assert len(set_aside_rows(store, store.batch(hazards[0]["batch_id"]))) == 888
        assert dialogs == [] and w.outside_requests == []
        print(f"\nBaltimore walkthrough: {steps.n} analyst steps")
        assert steps.n == 13   # open the page, pick the file, dataset, 7 columns, 2 ticks, confirm


def test_stray_cell_workbook_and_zip_bomb_leave_the_server_serving(server):
    url, proc, store = server
    with browser() as ctx:
        w, dialogs = login(ctx, url)
        go(w, "数据上传")
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        w.page.locator('input[type="file"]').set_input_files(files=[
            {"name": "stray.xlsx", "mimeType": xlsx, "buffer": stray_cell_workbook()},
            {"name": "bomb.xlsx", "mimeType": xlsx, "buffer": zip_bomb_workbook()}])
        wait_idle(w.page, 120_000)
        w.page.get_by_text("解压后有", exact=False).first.wait_for(timeout=120_000)
        w.page.get_by_text("XFD1048576", exact=False).first.wait_for(timeout=120_000)
        screenshot(w.page, "real-exports-stray-and-bomb")
        assert proc.poll() is None                                          # the server is still up
        go(w, "总览")
        w.page.get_by_text("总览").first.wait_for(timeout=60_000)
        assert proc.poll() is None and [e["dataset"] for e in store.events()] == ["towns"]
        body = w.page.locator('[data-testid="stMain"]').inner_text()
        assert "Traceback" not in body
        assert dialogs == [] and w.outside_requests == []
