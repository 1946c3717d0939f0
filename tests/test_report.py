"""晾晒通报 and the meeting pack: what the PDF and XLSX say is what the core computes."""

import io
import re
import subprocess
from datetime import date

import openpyxl
import pandas as pd
import pytest

from board import cli, db, definitions as defs, metrics, vocab
from render import meeting_charts as mc, report
from board.store import Store
from conftest import commit, d

OCT = metrics.parse_period("2026-10")


@pytest.fixture(scope="module")
def demo():
    from tools import demo_store

    store = Store(demo_store.ensure())
    state = store.state()
    con = db.connect(state)
    as_of = metrics.default_as_of(con)
    towns, comps, district = metrics.league(con, OCT, as_of, defs.load(store, state))
    ledger = metrics.ledger(con, OCT, as_of)
    return {"store": store, "notice": report.build_from_store(store, OCT), "towns": towns, "as_of": as_of,
            "ledger": ledger.set_index(ledger["town_code"].fillna("district"))}


@pytest.fixture(scope="module")
def notice_pdf(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("notice") / "notice.pdf"
    path.write_bytes(report.notice_pdf(demo["notice"]))
    return path


@pytest.fixture(scope="module")
def pack_pdf(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    path.write_bytes(report.pack_pdf(demo["notice"]))
    return path


def text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def fonts_embedded(pdf) -> list[str]:
    """The `emb` column of pdffonts, one entry per font."""
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    return [r.split()[-5] for r in rows if r.strip()]


# -- the notice as PDF ------------------------------------------------------------------


def test_notice_prints_every_towns_rank_change_index_and_tier_as_the_league(demo, notice_pdf):
    body = text(notice_pdf)
    for t in demo["towns"].itertuples():
        line = re.search(rf"^\s*{t.rank}\s+{re.escape(mc.change_text(t.rank_change))}\s+{re.escape(t.town_name)}"
                         rf"\s+{t.score:.2f}\s+{vocab.TIERS[t.tier]}\s+{t.found}\s", body, re.M)
        assert line, f"{t.town_name}: rank {t.rank}, index {t.score:.2f} not printed"


def test_notice_states_district_rates_with_two_decimals(demo, notice_pdf):
    body = text(notice_pdf)
    dist = demo["ledger"].loc["district"]
    # rectification_rate is rectified / found of the ledger (1,209 found in the demo's October)
    assert dist["rectification_rate"] == dist["rectified"] / dist["found"]
    assert f"共发现隐患问题 {dist['found']:,} 个，整改率 {dist['rectification_rate'] * 100:.2f}%" in body
    assert f"销号率 {dist['closure_rate'] * 100:.2f}%" in body
    assert f"累计逾期未整改 {dist['backlog_overdue']} 个" in body


def test_notice_number_and_date_come_from_the_ledger(demo, notice_pdf):
    body = text(notice_pdf)
    con = db.connect(demo["store"].state())
    aired = db.run(con, "notice_aired", start=OCT.start, end=OCT.end, as_of=demo["as_of"], notice_no=-1)
    # the demo's October hazards carry notice 36, so the notice is 第36期, dated the as-of day
    assert set(aired["notice_no"]) == {36} and demo["notice"].number == 36
    assert "第36期" in body and f"{demo['as_of']:%Y年%m月%d日}" in body
    assert "示例数据" in body


def test_notice_lists_as_many_aired_and_overdue_items_as_the_ledger_counts(demo, notice_pdf):
    n, ledger = demo["notice"], demo["ledger"]
    body = text(notice_pdf)
    assert len(n.aired) == ledger.loc["district", "aired"]
    per_town = n.overdue.groupby("town_code").size()
    towns = ledger.drop(index="district")
    assert per_town.reindex(towns.index).fillna(0).astype(int).tolist() == towns["backlog_overdue"].tolist()
    assert f"本期晾晒问题（第36期，{len(n.aired)} 个" in body
    assert f"逾期问题清单（截至 {demo['as_of']}，{ledger.loc['district', 'backlog_overdue']} 个）" in body
    for hazard_id in n.aired["hazard_id"].head(5):
        assert hazard_id in body


def test_escalations_are_overdue_items_below_their_suggested_level(demo):
    e = demo["notice"].escalations
    assert len(e) > 0
    assert (e["suggested"] > e["escalation"]).all()
    assert set(e["hazard_id"]) <= set(demo["notice"].overdue["hazard_id"])


def test_every_font_in_the_notice_is_embedded(notice_pdf):
    emb = fonts_embedded(notice_pdf)
    assert emb and set(emb) == {"yes"}


# -- a hand-made ledger: numbering, escalation, neutralised text ---------------------------------


TOWNS = [{"town_code": "A", "town_name": "甲镇", "population": 10000}]
HAZARDS = [
    # first month with data: 2022-01, so March without notice numbers is the 3rd notice
    dict(hazard_id="h1", town_code="A", found_date=d("2022-01-10"), deadline=d("2022-01-20"),
         rectified_date=d("2022-01-15")),
    # overdue 40 days on 2022-03-31 with only a reminder: enforcement falls due
    dict(hazard_id="h2", town_code="A", unit_name="=HYPERLINK(\"http://x\")", found_date=d("2022-02-01"),
         deadline=d("2022-02-19"), escalation=1),
    # overdue 5 days, already reminded: nothing falls due
    dict(hazard_id="h3", town_code="A", found_date=d("2022-03-01"), deadline=d("2022-03-26"), escalation=1,
         description="+1 发现于三月"),
    dict(hazard_id="h4", town_code="A", found_date=d("2022-03-31"), deadline=d("2022-04-30")),
]


@pytest.fixture
def small(store):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    return report.build_from_store(store, metrics.parse_period("2022-03"))


def test_notice_number_counts_months_since_the_first_when_the_ledger_has_none(small):
    assert small.number == 3 and small.as_of == date(2022, 3, 31)


def test_suggested_level_by_days_overdue():
    assert [vocab.suggested_level(x) for x in (1, 10, 11, 30, 31)] == [1, 1, 2, 2, 3]


def test_escalation_falls_due_only_below_the_suggested_level(small):
    # h2: 40 days overdue, level 1 → 执法; h3: 5 days, level 1 → already where it should be
    assert small.escalations[["hazard_id", "suggested"]].values.tolist() == [["h2", 3]]


def test_xlsx_has_chinese_headers_frozen_rows_exact_rates_and_neutralised_text(small):
    wb = openpyxl.load_workbook(io.BytesIO(report.notice_xlsx(small)))
    assert wb.sheetnames == ["通报说明", "镇街排名", "红黑榜", "本期晾晒问题", "逾期清单", "督办升级提示"]
    assert all(ws.freeze_panes == "A2" for ws in wb.worksheets)
    league = wb["镇街排名"]
    header = [c.value for c in league[1]]
    assert header[:4] == ["排名", "较上期", "镇街", "平安指数"]
    rate = league.cell(row=2, column=header.index("整改率") + 1)
    # March: h3, h4 found, neither rectified → 0/2, kept as the fraction and shown as a percentage
    assert rate.value == 0 and rate.number_format == "0.00%"
    overdue = wb["逾期清单"]
    units = [r[4].value for r in overdue.iter_rows(min_row=2)]
    descriptions = [r[5].value for r in overdue.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://x\")" in units and "'+1 发现于三月" in descriptions
    assert overdue.column_dimensions["F"].width > 8


def test_cli_report_writes_pdf_and_xlsx(demo, tmp_path):
    store = str(demo["store"].path)
    assert cli.main(["report", "--period", "2026-10", "--store", store, "--out", str(tmp_path / "n.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "n.xlsx")["镇街排名"].max_row == len(demo["towns"]) + 1
    assert cli.main(["report", "--period", "2026-10", "--store", store, "--out", str(tmp_path / "n.txt")]) == 2


# -- the meeting pack ----------------------------------------------------------------------------


def test_pack_has_a_page_per_slide_and_per_red_town(demo, pack_pdf):
    towns = demo["towns"]
    reds = towns[towns["tier"] == "red"]
    # cover + overview, league, map, progress + one per red town
    assert pages(pack_pdf) == 1 + 4 + len(reds)
    body = text(pack_pdf)
    for t in reds.itertuples():
        assert f"红色预警 · {t.town_name}" in body
        assert f"第 {t.rank} 名" in body and f"{t.score:.2f}" in body
    dist = demo["ledger"].loc["district"]
    assert f"{dist['rectification_rate'] * 100:.2f}%" in body and "示例数据" in body


def test_every_font_in_the_pack_is_embedded(pack_pdf):
    emb = fonts_embedded(pack_pdf)
    assert emb and set(emb) == {"yes"}


def test_pack_charts_are_high_resolution_images(pack_pdf):
    out = subprocess.run(["pdfimages", "-list", str(pack_pdf)], check=True, capture_output=True, text=True).stdout
    widths = [int(r.split()[3]) for r in out.splitlines()[2:] if r.strip()]
    assert widths and min(widths) >= 3000  # 1600 CSS px drawn at 2×
