"""The city's airing notice (全市晾晒通报, issue 15): its districts ranked, their 红黑榜, each district's red towns
and the city's overdue list, as PDF and XLSX. Every figure comes from the core (board.city, metrics.league on a
district's scoped connection, queries/overdue_list.sql); this module lays them out as render/report.py does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from board import city, db, definitions as defs, figures, metrics, vocab
from board.store import State
from render import export, format as fmt, meeting_charts as mc, report


@dataclass
class CityNotice:
    period: metrics.Period
    as_of: date
    number: int
    is_demo: bool
    districts: pd.DataFrame    # city.league: one row per district, rank order
    components: pd.DataFrame   # city.league: one row per district and component
    city: pd.Series            # the city row: every town
    red_towns: pd.DataFrame    # each district's towns with a red tier in its own league
    overdue: pd.DataFrame      # queries/overdue_list.sql over the city, by district and town
    board_size: int = 3

    @property
    def title(self) -> str:
        return f"全市平安晾晒通报 第{self.number}期"

    @property
    def comparison(self) -> str:
        return metrics.comparison_note(self.period, self.as_of)

    @property
    def honour(self) -> pd.DataFrame:
        return figures.boards(self._ranked, self.board_size)[0]

    @property
    def shame(self) -> pd.DataFrame:
        return figures.boards(self._ranked, self.board_size)[1]

    @property
    def _ranked(self) -> pd.DataFrame:
        # figures.boards reads town columns; a district stands in the same place
        d = self.districts[self.districts["district_code"].notna()]
        return d.rename(columns={"district_code": "town_code", "district_name": "town_name"})


def build(state: State, period: metrics.Period, definitions: dict, as_of: date | None = None) -> CityNotice:
    """The city notice for a period as of D (default: the ledger's own now)."""
    con = db.connect(state, materialise=db.built(state) is not None)
    if not city.is_city(con):
        raise ValueError("这个仓库只有一个区县（没有上传区县名单），没有全市通报；请不带 --scope 生成区县通报")
    as_of = as_of or metrics.default_as_of(con)
    if as_of is None:
        raise ValueError("台账中还没有隐患，无法生成晾晒通报")
    districts, components, whole = city.league(con, period, as_of, definitions)
    reds = []
    for code, name in zip(districts["district_code"], districts["district_name"]):
        if code is None or pd.isna(code):
            continue
        towns, _, _ = metrics.league(db.connect(state, materialise=db.built(state) is not None, districts=(code,)),
                                     period, as_of, definitions)
        red = towns[towns["tier"] == "red"].assign(district_code=code, district_name=name)
        reds.append(red)
    red_towns = pd.concat(reds, ignore_index=True) if reds else pd.DataFrame()
    overdue = figures.overdue_list(lambda name, **kw: db.run(con, name, **kw), as_of, None,
                                   metrics.rollup_applies(con, as_of))
    names = dict(zip(districts["district_code"], districts["district_name"]))
    towns_of = db.run(con, "town_districts").set_index("town_code")["district_code"]
    overdue["district_code"] = overdue["town_code"].map(towns_of)
    overdue["district_name"] = overdue["district_code"].map(names).fillna(city.UNASSIGNED)
    overdue = overdue.sort_values(["district_code", "town_code", "overdue_days", "hazard_id"],
                                  ascending=[True, True, False, True], ignore_index=True, na_position="last")
    return CityNotice(period, as_of, report.notice_number(con, period), state.is_demo, districts, components,
                      whole, red_towns, overdue, defs.board_size(city.level_definitions(definitions, "district")))


SUMMARY = ("{period}，全市共发现隐患问题 {found} 个，整改率 {rectification_rate}，销号率 {closure_rate}，"
           "按期整改率 {on_time_rate}，本期逾期 {overdue} 个，累计逾期未整改 {backlog_overdue} 个，"
           "复发率 {recurrence_rate}。{districts} 个区县三色评定：绿色 {green} 个、黄色 {yellow} 个、红色 {red} 个；"
           "各区县红色镇街共 {red_towns} 个。数据截至 {as_of:%Y年%m月%d日}；排名变化{comparison}。")


def summary_text(n: CityNotice, t=lambda text: text, period_label: str | None = None,
                 comparison: str | None = None) -> str:
    """The notice's opening paragraph (SUMMARY, through `t` on screen, as report.summary_text)."""
    c = n.city
    ranked = n.districts[n.districts["district_code"].notna()]
    tiers = ranked["tier"].value_counts()
    return t(SUMMARY).format(
        period=period_label or n.period.label, found=fmt.count(c["found"]), rectification_rate=fmt.rate(c["rectification_rate"]),
        closure_rate=fmt.rate(c["closure_rate"]), on_time_rate=fmt.rate(c["on_time_rate"]),
        overdue=fmt.count(c["overdue"]), backlog_overdue=fmt.count(c["backlog_overdue"]),
        recurrence_rate=fmt.rate(c["recurrence_rate"]), districts=len(ranked),
        green=int(tiers.get("green", 0)), yellow=int(tiers.get("yellow", 0)), red=int(tiers.get("red", 0)),
        red_towns=len(n.red_towns), as_of=n.as_of, comparison=comparison or n.comparison)


def league_rows(n: CityNotice) -> pd.DataFrame:
    d = n.districts
    return pd.DataFrame({
        "排名": d["rank"], "较上期": [mc.change_text(v) for v in d["rank_change"]], "区县": d["district_name"],
        "平安指数": d["score"].astype("float64").round(2), "三色": [vocab.TIERS.get(v, "—") for v in d["tier"]],
        "镇街数": d["towns"], "发现隐患": d["found"], "整改率": d["rectification_rate"], "销号率": d["closure_rate"],
        "按期整改率": d["on_time_rate"], "逾期": d["overdue"], "累计逾期": d["backlog_overdue"],
    })


def board_rows(n: CityNotice) -> pd.DataFrame:
    return report.board_rows(n, place="区县")


def red_rows(n: CityNotice) -> pd.DataFrame:
    r = n.red_towns
    if r.empty:
        return pd.DataFrame(columns=["区县", "区县内排名", "镇街", "平安指数", "较上期", "逾期", "累计逾期"])
    return pd.DataFrame({
        "区县": r["district_name"], "区县内排名": r["rank"], "镇街": r["town_name"],
        "平安指数": r["score"].astype("float64").round(2), "较上期": [mc.change_text(v) for v in r["rank_change"]],
        "逾期": r["overdue"], "累计逾期": r["backlog_overdue"],
    })


def overdue_rows(n: CityNotice) -> pd.DataFrame:
    o = n.overdue
    return pd.DataFrame({
        "区县": o["district_name"], "镇街": o["town_name"], "隐患编号": o["hazard_id"], "类别": o["category"],
        "等级": o["severity"], "责任主体": o["unit_name"], "整改期限": [report._date(v) for v in o["deadline"]],
        "逾期天数": o["overdue_days"], "督办层级": [report.ESCALATION.get(int(v), str(v)) for v in o["escalation"]],
    })


def notice_xlsx(n: CityNotice) -> bytes:
    about = pd.DataFrame({"项目": ["通报", "统计期", "数据截至", "数据性质", "概况"],
                          "内容": [n.title, n.period.label, f"{n.as_of:%Y-%m-%d}",
                                 "示例数据（非真实数据）" if n.is_demo else "正式数据", summary_text(n)]})
    sheets = {"通报说明": about, "区县排名": league_rows(n), "区县红黑榜": board_rows(n), "红色镇街": red_rows(n),
              "逾期清单": overdue_rows(n)}
    return export.to_xlsx_book(sheets, percent=report.RATE_COLUMNS)


def notice_pdf(n: CityNotice) -> bytes:
    pdf = report.masthead(n.title, "全市平安晾晒通报", n.number, "市平安办", n.as_of, n.is_demo, n.period.label)
    pdf.multi_cell(w=0, h=6.2, text="　　" + summary_text(n), align="L", new_x="LMARGIN", new_y="NEXT")
    report._section(pdf, f"一、区县排名（{n.period.label}平安指数）")
    report._table(pdf, league_rows(n), (7, 9, 20, 11, 7, 9, 10, 12, 12, 13, 8, 10))
    report._section(pdf, "二、区县红黑榜")
    report._table(pdf, board_rows(n), (8, 7, 22, 11, 9, 43), size=9)
    report._section(pdf, f"三、各区县红色镇街（{len(n.red_towns)} 个，按各区县自己的排名）")
    report._table(pdf, red_rows(n), (24, 18, 34, 18, 16, 16, 16), size=9)
    report._section(pdf, f"四、全市逾期问题清单（截至 {n.as_of:%Y-%m-%d}，{len(n.overdue)} 个）")
    report._table(pdf, overdue_rows(n), (16, 20, 25, 16, 8, 33, 16, 14, 14), size=7.5)
    return bytes(pdf.output())
