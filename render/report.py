"""晾晒通报 (the airing notice) and the meeting pack, as PDF and XLSX; `python -m board report`.

Every figure comes from the core: metrics.league for the standings, queries/notice_*.sql
(over hazard_flags) for the lists. This module only lays them out.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from board import db, definitions as defs, figures, metrics, vocab
from board.store import State, Store
from render import export, format as fmt, meeting_charts as mc

REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
CHROMIUM = "/usr/bin/chromium"

ESCALATION = vocab.ESCALATION_LEVELS


# -- the notice's content -------------------------------------------------------------


@dataclass
class Notice:
    """One airing notice: everything it prints, straight from the core."""

    period: metrics.Period
    as_of: date
    number: int
    is_demo: bool
    towns: pd.DataFrame        # metrics.league: one row per town, rank order
    components: pd.DataFrame   # metrics.league: one row per town and index component
    district: pd.Series
    aired: pd.DataFrame        # queries/notice_aired.sql
    overdue: pd.DataFrame      # queries/overdue_list.sql, by town
    escalations: pd.DataFrame  # overdue items whose suggested level is above the recorded one
    boundaries: dict | None = None
    board_size: int = 3        # how many towns 红榜 and 黑榜 each list (the definitions)

    @property
    def comparison(self) -> str:
        """What the rank changes compare with, like for like: 与上月同口径比较：9月数据截至9月30日."""
        return metrics.comparison_note(self.period, self.as_of)

    @property
    def title(self) -> str:
        return f"平安晾晒通报 第{self.number}期"

    @property
    def honour(self) -> pd.DataFrame:
        """红榜: the best-ranked towns (figures.boards, as every screen shows them)."""
        return figures.boards(self.towns, self.board_size)[0]

    @property
    def shame(self) -> pd.DataFrame:
        """黑榜: the worst-ranked towns, worst last (figures.boards, as every screen shows them)."""
        return figures.boards(self.towns, self.board_size)[1]


def build(con, period: metrics.Period, definitions: dict, as_of: date | None = None, *,
          is_demo: bool = False, boundaries: dict | None = None) -> Notice:
    """The notice for a period as of D (default: the ledger's own now)."""
    as_of = as_of or metrics.default_as_of(con)
    if as_of is None:
        raise ValueError("台账中还没有隐患，无法生成晾晒通报")
    towns, components, district = metrics.league(con, period, as_of, definitions)
    number = notice_number(con, period)
    aired = db.run(con, "notice_aired", start=period.start, end=period.end, as_of=as_of, notice_no=number)
    # the notice lists the overdue backlog town by town, most overdue first
    overdue = figures.overdue_list(lambda name, **kw: db.run(con, name, **kw), as_of, None,
                                   metrics.rollup_applies(con, as_of)).sort_values(
        ["town_code", "overdue_days", "hazard_id"], ascending=[True, False, True], ignore_index=True)
    esc = figures.escalations_due(overdue)
    return Notice(period, as_of, number, is_demo, towns, components, district, aired, overdue, esc, boundaries,
                  defs.board_size(definitions))


def build_from_store(store: Store, period: metrics.Period, as_of: date | None = None,
                     state: State | None = None) -> Notice:
    """The notice for the store as it stands (or at `state`)."""
    state = state or store.state()
    return build(db.connect(state), period, defs.load(store, state), as_of, is_demo=state.is_demo,
                 boundaries=mc.boundaries(state))


def notice_number(con, period: metrics.Period) -> int:
    """The ledger's notice_no for hazards of this period when it has one, else months (for a weekly notice,
    weeks) since the first + 1."""
    row = db.run(con, "notice_number", start=period.start, end=period.end).iloc[0]
    if pd.notna(row["notice_no"]):
        return int(row["notice_no"])
    if period.kind == "week":
        first = pd.Timestamp(row["first_week"]).date() if pd.notna(row["first_week"]) else period.start
        return max((period.start - first).days // 7 + 1, 1)
    first = pd.Timestamp(row["first_month"]).date() if pd.notna(row["first_month"]) else period.start
    return max((period.start.year - first.year) * 12 + period.start.month - first.month + 1, 1)


# -- tables as printed (the same columns in PDF and XLSX) -------------------------------------


def _date(v) -> str:
    return "" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


def _int(v) -> str:
    return "" if v is None or pd.isna(v) else str(int(v))


def league_rows(n: Notice) -> pd.DataFrame:
    t = n.towns
    return pd.DataFrame({
        "排名": t["rank"], "较上期": [mc.change_text(v) for v in t["rank_change"]], "镇街": t["town_name"],
        "平安指数": t["score"].astype("float64").round(2), "三色": [vocab.TIERS.get(v, "—") for v in t["tier"]],
        "发现隐患": t["found"], "整改率": t["rectification_rate"], "销号率": t["closure_rate"],
        "按期整改率": t["on_time_rate"], "逾期": t["overdue"], "累计逾期": t["backlog_overdue"],
    })


def board_rows(n, place: str = "镇街") -> pd.DataFrame:
    """红黑榜 with the components that pulled each place (a town, or a district in the city's notice) down most."""
    names = {c["code"]: c["name"] for c in n.components[["code", "name"]].drop_duplicates().to_dict("records")}
    rows = []
    for label, part in (("红榜", n.honour), ("黑榜", n.shame)):
        for _, t in part.iterrows():
            rows.append({"榜单": label, "排名": t["rank"], place: t["town_name"],
                         "平安指数": round(float(t["score"]), 2), "较上期": mc.change_text(t["rank_change"]),
                         "主要失分项": "、".join(names.get(c, c) for c in t["pulled_down"])})
    return pd.DataFrame(rows, columns=["榜单", "排名", place, "平安指数", "较上期", "主要失分项"])


def aired_rows(n: Notice) -> pd.DataFrame:
    a = n.aired
    return pd.DataFrame({
        "镇街": a["town_name"], "隐患编号": a["hazard_id"], "类别": a["category"], "等级": a["severity"],
        "责任主体": a["unit_name"], "问题描述": a["description"], "发现日期": [_date(v) for v in a["found_date"]],
        "整改期限": [_date(v) for v in a["deadline"]], "状态": a["status"], "晾晒期号": a["notice_no"],
    })


def overdue_rows(n: Notice) -> pd.DataFrame:
    o = n.overdue
    return pd.DataFrame({
        "镇街": o["town_name"], "隐患编号": o["hazard_id"], "类别": o["category"], "等级": o["severity"],
        "责任主体": o["unit_name"], "问题描述": o["description"], "整改期限": [_date(v) for v in o["deadline"]],
        "逾期天数": o["overdue_days"], "督办层级": [ESCALATION.get(int(v), str(v)) for v in o["escalation"]],
    })


def escalation_rows(n: Notice) -> pd.DataFrame:
    e = n.escalations
    return pd.DataFrame({
        "镇街": e["town_name"], "隐患编号": e["hazard_id"], "责任主体": e["unit_name"],
        "整改期限": [_date(v) for v in e["deadline"]], "逾期天数": e["overdue_days"],
        "当前层级": [ESCALATION.get(int(v), str(v)) for v in e["escalation"]],
        "建议层级": [ESCALATION[int(v)] for v in e["suggested"]],
        "责任部门": e["department"], "包案领导": e["leader"],
    })


SUMMARY = ("{period}，全区共发现隐患问题 {found} 个，整改率 {rectification_rate}，销号率 {closure_rate}，"
           "按期整改率 {on_time_rate}，本期逾期 {overdue} 个，累计逾期未整改 {backlog_overdue} 个，"
           "复发率 {recurrence_rate}。本期晾晒问题 {aired} 个。三色评定：绿色 {green} 个、黄色 {yellow} 个、"
           "红色 {red} 个。数据截至 {as_of:%Y年%m月%d日}；排名变化{comparison}。")


def summary_text(n: Notice, t=lambda text: text, period_label: str | None = None,
                 comparison: str | None = None) -> str:
    """The notice's opening paragraph (SUMMARY, through `t` on screen); every figure as the screens show it."""
    d = n.district
    tiers = n.towns["tier"].value_counts()
    return t(SUMMARY).format(
        period=period_label or n.period.label, found=fmt.count(d["found"]),
        rectification_rate=fmt.rate(d["rectification_rate"]), closure_rate=fmt.rate(d["closure_rate"]),
        on_time_rate=fmt.rate(d["on_time_rate"]), overdue=fmt.count(d["overdue"]),
        backlog_overdue=fmt.count(d["backlog_overdue"]), recurrence_rate=fmt.rate(d["recurrence_rate"]),
        aired=len(n.aired), green=int(tiers.get("green", 0)), yellow=int(tiers.get("yellow", 0)),
        red=int(tiers.get("red", 0)), as_of=n.as_of,
        comparison=comparison or n.comparison)


# -- XLSX ---------------------------------------------------------------------------------


RATE_COLUMNS = ("整改率", "销号率", "按期整改率")


def notice_xlsx(n: Notice) -> bytes:
    """The notice as a workbook: one sheet per section, Chinese headers, header frozen, formulas neutralised."""
    about = pd.DataFrame({"项目": ["通报", "统计期", "数据截至", "数据性质", "概况"],
                          "内容": [n.title, n.period.label, f"{n.as_of:%Y-%m-%d}",
                                 "示例数据（非真实数据）" if n.is_demo else "正式数据", summary_text(n)]})
    sheets = {"通报说明": about, "镇街排名": league_rows(n), "红黑榜": board_rows(n),
              "本期晾晒问题": aired_rows(n), "逾期清单": overdue_rows(n), "督办升级提示": escalation_rows(n)}
    return export.to_xlsx_book(sheets, percent=RATE_COLUMNS)


# -- PDF -------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _collection_index(path: Path, family: str) -> int:
    """Which font of a .ttc collection is the Simplified Chinese one (fpdf2 embeds one font of it)."""
    from fontTools.ttLib import TTCollection

    names = [f["name"].getDebugName(1) for f in TTCollection(str(path)).fonts]
    return names.index(family)


def _pdf(orientation: str = "P", fmt="A4"):
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format=fmt)
    pdf.add_font("cjk", "", str(REGULAR), collection_font_number=_collection_index(REGULAR, "Noto Sans CJK SC"))
    pdf.add_font("cjk", "B", str(BOLD), collection_font_number=_collection_index(BOLD, "Noto Sans CJK SC"))
    pdf.set_font("cjk", size=10)
    return pdf


def _cell_text(v, column: str) -> str:
    if column in RATE_COLUMNS:
        return fmt.rate(v)
    if column == "平安指数":
        return mc.score_text(v)
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return "—" if column in ("排名",) else ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


TIER_FILL = {vocab.TIERS[code]: fill for code, fill in (("green", (220, 252, 231)), ("yellow", (254, 249, 195)),
                                                        ("red", (254, 226, 226)))}


def _table(pdf, df: pd.DataFrame, widths: tuple, size: float = 8.5) -> None:
    from fpdf.fonts import FontFace

    if df.empty:
        pdf.set_font("cjk", size=10)
        pdf.cell(text="（无）", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font("cjk", size=size)
    heading = FontFace(family="cjk", emphasis="B", fill_color=(226, 232, 240))
    with pdf.table(col_widths=widths, headings_style=heading, line_height=size * 0.55, text_align="CENTER",
                   padding=0.8, repeat_headings=1) as table:
        row = table.row()
        for c in df.columns:
            row.cell(c)
        for rec in df.itertuples(index=False):
            row = table.row()
            for c, v in zip(df.columns, rec):
                text = _cell_text(v, c)
                style = FontFace(fill_color=TIER_FILL[text]) if c == "三色" and text in TIER_FILL else None
                align = "LEFT" if c in ("问题描述", "责任主体", "主要失分项") else None
                row.cell(text, style=style, align=align)


def _section(pdf, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("cjk", "B", 13)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def masthead(title: str, heading: str, number: int, issuer: str, as_of: date, is_demo: bool, period_label: str):
    """A4 portrait with Noto Sans CJK, a footer on every page, and a notice's head: the red heading, 第N期, who
    issues it and when, the red rule; returns the document ready for the summary paragraph."""
    pdf = _pdf()
    pdf.set_title(title)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(14, 14, 14)

    def footer():
        pdf.set_y(-10)
        pdf.set_font("cjk", size=8)
        pdf.set_text_color(100, 116, 139)
        tag = "【示例数据】" if is_demo else ""
        pdf.cell(text=f"{tag}{title} · {period_label} · 第 {pdf.page_no()} 页 / 共 {{nb}} 页", align="C", w=0)
        pdf.set_text_color(0, 0, 0)

    pdf.footer = footer
    pdf.add_page()
    if is_demo:
        pdf.set_font("cjk", "B", 11)
        pdf.set_fill_color(251, 146, 60)
        pdf.cell(text=" 示例数据（非真实数据） ", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_text_color(176, 28, 36)
    pdf.set_font("cjk", "B", 26)
    pdf.cell(text=heading, align="C", w=0, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=13)
    pdf.cell(text=f"第{number}期", align="C", w=0, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10.5)
    pdf.cell(text=f"{issuer}　　　　　　　　　　{as_of:%Y年%m月%d日}", align="C", w=0, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(176, 28, 36)
    pdf.set_line_width(0.6)
    pdf.line(14, pdf.get_y() + 2, pdf.w - 14, pdf.get_y() + 2)
    pdf.ln(5)
    # tables take the current fill and draw colours for their cells and borders
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(148, 163, 184)
    pdf.set_line_width(0.2)
    pdf.set_font("cjk", size=10.5)
    return pdf


def notice_pdf(n: Notice) -> bytes:
    """The airing notice on A4 portrait with Noto Sans CJK embedded."""
    pdf = masthead(n.title, "平安晾晒通报", n.number, "平安办", n.as_of, n.is_demo, n.period.label)
    pdf.multi_cell(w=0, h=6.2, text="　　" + summary_text(n), align="L", new_x="LMARGIN", new_y="NEXT")

    _section(pdf, f"一、镇街排名（{n.period.label}平安指数）")
    _table(pdf, league_rows(n), (7, 9, 24, 11, 7, 10, 12, 12, 13, 8, 10))
    _section(pdf, "二、红黑榜")
    _table(pdf, board_rows(n), (8, 7, 22, 11, 9, 43), size=9)
    _section(pdf, f"三、本期晾晒问题（第{n.number}期，{len(n.aired)} 个，按镇街）")
    _table(pdf, aired_rows(n), (15, 25, 16, 8, 26, 27, 15, 15, 17, 8), size=7.5)
    _section(pdf, f"四、逾期问题清单（截至 {n.as_of:%Y-%m-%d}，{len(n.overdue)} 个）")
    _table(pdf, overdue_rows(n), (15, 25, 16, 8, 30, 32, 16, 10, 10), size=7.5)
    _section(pdf, f"五、督办升级提示（{len(n.escalations)} 个）")
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(w=0, h=5, align="L", text="　　按逾期天数应达到的督办层级：逾期即提醒，逾期超过 10 天警示，超过 30 天执法。"
                                  "下列问题的督办层级低于应达到的层级。", new_x="LMARGIN", new_y="NEXT")
    _table(pdf, escalation_rows(n), (16, 26, 30, 16, 10, 10, 10, 24, 16), size=7.5)
    return bytes(pdf.output())


# -- the meeting pack --------------------------------------------------------------------------


PACK_PAGE = (338.7, 190.5)  # 16:9 in millimetres, the shape of the meeting screen
PACK_PX = (1600, 780)       # chart size in CSS pixels, drawn at 2× for print


def chart_images(figures: list) -> list[bytes]:
    """PNG bytes for plotly figures through kaleido and the system Chromium, MathJax off, nothing fetched."""
    import kaleido

    os.environ.setdefault("BROWSER_PATH", CHROMIUM)

    async def render():
        async with kaleido.Kaleido(n=1, mathjax=False) as k:
            return [await k.calc_fig(f, opts={"format": "png", "width": w, "height": h, "scale": 2})
                    for f, (w, h) in figures]

    return asyncio.run(render())


def pack_pdf(n: Notice, slides: list[str] | None = None) -> bytes:
    """One 16:9 page per slide of the meeting sequence (a page per red-tier town) as on the screen."""
    sequence = mc.sequence(slides or list(mc.SLIDES), n.towns)
    w, h = PACK_PX
    drawn, where = [], {}
    for i, (kind, town) in enumerate(sequence):
        if kind == "league":
            drawn.append((mc.league_bars(n.towns, height=h, paper=mc.BACKGROUND), (w, h)))
        elif kind == "progress":
            drawn.append((mc.progress_bars(n.towns, n.district["rectification_rate"], height=h,
                                             paper=mc.BACKGROUND), (w, h)))
        elif kind == "map" and n.boundaries:
            drawn.append((mc.tier_map_figure(n.boundaries, n.towns, height=h, paper=mc.BACKGROUND), (w, h)))
        elif kind == "red":
            # the same figures as the league's 得分分析 and the meeting screen (figures.why)
            behind = figures.behind_median(figures.why(n.components, town), 6)
            drawn.append((mc.behind_median_bars(behind, height=380, paper=mc.BACKGROUND), (w, 380)))
        else:
            continue
        where[i] = len(drawn) - 1
    images = chart_images(drawn)

    # fpdf2 reads a format as (short side, long side) and turns it for landscape
    pdf = _pdf("L", sorted(PACK_PAGE))
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{n.title} 会议材料")
    pw, ph = pdf.w, pdf.h

    def page(title: str, number: int):
        pdf.add_page()
        pdf.set_fill_color(11, 18, 32)
        pdf.rect(0, 0, pw, ph, style="F")
        pdf.set_text_color(203, 213, 225)
        pdf.set_font("cjk", size=11)
        pdf.set_xy(10, 6)
        tag = "　【示例数据】" if n.is_demo else ""
        pdf.cell(text=f"平安晾晒台 · 统计期 {n.period.label} · 截至 {n.as_of:%Y-%m-%d} · "
                      f"{n.title} · {number}/{len(sequence) + 1}{tag}")
        pdf.set_text_color(248, 250, 252)
        pdf.set_font("cjk", "B", 24)
        pdf.set_xy(10, 14)
        pdf.cell(text=title)

    def kpis(items: list[tuple[str, str]], y: float, per_row: int = 4):
        bw = (pw - 20 - (per_row - 1) * 5) / per_row
        for k, (label, value) in enumerate(items):
            x = 10 + (k % per_row) * (bw + 5)
            yy = y + (k // per_row) * 32
            pdf.set_fill_color(17, 28, 48)
            pdf.rect(x, yy, bw, 27, style="F")
            pdf.set_xy(x + 4, yy + 3)
            pdf.set_font("cjk", size=12)
            pdf.set_text_color(203, 213, 225)
            pdf.cell(text=label)
            pdf.set_xy(x + 4, yy + 11)
            pdf.set_font("cjk", "B", 26)
            pdf.set_text_color(248, 250, 252)
            pdf.cell(text=value)

    # cover
    page("会议材料", 1)
    pdf.set_font("cjk", "B", 40)
    pdf.set_xy(10, 70)
    pdf.cell(text=n.title, w=pw - 20, align="C")
    pdf.set_font("cjk", size=18)
    pdf.set_xy(10, 95)
    pdf.cell(text=f"{n.period.label} · 数据截至 {n.as_of:%Y年%m月%d日}", w=pw - 20, align="C")
    if n.is_demo:
        pdf.set_xy(10, 112)
        pdf.set_text_color(251, 146, 60)
        pdf.cell(text="示例数据（非真实数据）", w=pw - 20, align="C")

    d = n.district
    for i, (kind, town) in enumerate(sequence):
        if kind == "overview":
            page("全区概况", i + 2)
            tiers = n.towns["tier"].value_counts()
            kpis([("发现隐患", fmt.count(d["found"])), ("整改率", fmt.rate(d["rectification_rate"])),
                  ("销号率", fmt.rate(d["closure_rate"])), ("按期整改率", fmt.rate(d["on_time_rate"])),
                  ("逾期隐患", fmt.count(d["overdue"])), ("累计逾期", fmt.count(d["backlog_overdue"])),
                  ("复发率", fmt.rate(d["recurrence_rate"])),
                  ("三色（绿 / 黄 / 红）", " / ".join(str(int(tiers.get(t, 0))) for t in vocab.TIERS))],
                 y=30)
            for col, (label, part, colour) in enumerate(((f"红榜 · 前{n.board_size}", n.honour, (34, 197, 94)),
                                                         (f"黑榜 · 后{n.board_size}", n.shame, (239, 68, 68)))):
                x = 10 + col * (pw - 20) / 2
                pdf.set_xy(x, 98)
                pdf.set_font("cjk", "B", 18)
                pdf.set_text_color(*colour)
                pdf.cell(text=label)
                pdf.set_font("cjk", size=17)
                pdf.set_text_color(248, 250, 252)
                for k, t in enumerate(part.itertuples()):
                    pdf.set_xy(x, 110 + k * 11)
                    pdf.cell(text=f"{mc.rank_text(t.rank)}　{t.town_name}　{mc.score_text(t.score)}　"
                                  f"{mc.change_text(t.rank_change)}")
        elif kind == "red":
            t = n.towns[n.towns["town_code"] == town].iloc[0]
            page(f"红色预警 · {t['town_name']}", i + 2)
            kpis([(f"排名（较上期同口径 {mc.change_text(t['rank_change'])}）", f"第 {mc.rank_text(t['rank'])} 名"),
                  ("平安指数", mc.score_text(t["score"])), ("整改率", fmt.rate(t["rectification_rate"])),
                  ("按期整改率", fmt.rate(t["on_time_rate"])), ("发现隐患", fmt.count(t["found"])),
                  ("逾期隐患", fmt.count(t["overdue"])), ("累计逾期", fmt.count(t["backlog_overdue"])),
                  ("销号率", fmt.rate(t["closure_rate"]))], y=28)
            pdf.set_xy(10, 93)
            pdf.set_font("cjk", "B", 14)
            pdf.cell(text="失分项 · 较全区中位数少得最多的六项（指数分）")
            pdf.image(io.BytesIO(images[where[i]]), x=10, y=101, w=(ph - 104) * w / 380)
        else:
            title = {"league": "镇街排名 · 平安指数", "map": "三色分布 · 图中数字为排名",
                     "progress": "整改进度 · 整改率（柱）与销号率（◆）"}[kind]
            page(title, i + 2)
            if kind == "map" and i in where:
                img_h = ph - 30
                pdf.image(io.BytesIO(images[where[i]]), x=-40, y=27, h=img_h)
                _tier_lists(pdf, n.towns, x=pw * 0.62, y=32, w=pw * 0.36)
            elif i in where:
                img_h = ph - 30
                pdf.image(io.BytesIO(images[where[i]]), x=(pw - img_h * w / h) / 2, y=27, h=img_h)
            else:
                pdf.set_font("cjk", size=18)
                pdf.set_xy(10, 80)
                pdf.cell(text="尚未上传镇街边界", w=pw - 20, align="C")
    return bytes(pdf.output())


def _tier_lists(pdf, towns: pd.DataFrame, x: float, y: float, w: float) -> None:
    """Beside the map: each tier's towns with their ranks (the map itself shows ranks only)."""
    for tier in reversed(vocab.TIERS):  # worst first
        name, colour = vocab.TIERS[tier], mc.TIER_RGB[tier]
        group = towns[towns["tier"] == tier]
        pdf.set_xy(x, y)
        pdf.set_font("cjk", "B", 16)
        pdf.set_text_color(*colour)
        pdf.cell(text=f"{name}色 · {len(group)} 个")
        pdf.set_xy(x, y + 9)
        pdf.set_font("cjk", size=12.5)
        pdf.set_text_color(248, 250, 252)
        pdf.multi_cell(w=w, h=7, align="L",
                       text="　".join(f"{mc.rank_text(r.rank)}\u00a0{r.town_name}" for r in group.itertuples()))
        y = pdf.get_y() + 5


# -- python -m board report -------------------------------------------------------------------


def register(sub) -> None:
    sp = sub.add_parser("report", help="生成晾晒通报（PDF 或 XLSX）或会议材料（--pack）")
    sp.add_argument("--period", required=True, help="统计期，例如 2026-10 或 2026-W43")
    sp.add_argument("--out", required=True, type=Path, help="输出文件：.pdf 或 .xlsx")
    sp.add_argument("--as-of", type=date.fromisoformat, help="截至日期 YYYY-MM-DD（默认台账中最新日期）")
    sp.add_argument("--pack", action="store_true", help="生成会议材料（每页一张会议屏幕，PDF）")
    sp.add_argument("--scope", help="全市仓库：city 为全市通报（默认），或一个区县（代码、名称或别名）的通报")
    sp.add_argument("--store", type=Path, help="数据仓库目录（默认 BOARD_STORE，否则 data/store）")
    sp.set_defaults(func=cmd_report)


def _own_towns(geojson: dict | None, con) -> dict | None:
    """The boundaries of the towns a (scoped) connection shows: a district's map is framed on its own towns."""
    if not geojson:
        return geojson
    mine = set(db.run(con, "town_list")["town_code"])
    return dict(geojson, features=[f for f in geojson.get("features", [])
                                   if (f.get("properties") or {}).get("town_code") in mine])


def cmd_report(args) -> int:
    from board.cli import read_store

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx") or (args.pack and suffix != ".pdf"):
        raise ValueError("输出文件应为 .pdf 或 .xlsx（会议材料只有 PDF）")
    from board import city
    from render import city_report

    store = read_store(args.store)
    state = store.state()
    period = metrics.parse_period(args.period)
    con = db.connect(state)
    scope = args.scope or ("city" if city.is_city(con) else None)
    if scope in ("city", "全市"):
        if args.pack:
            raise ValueError("全市通报暂无会议材料（--pack）；请用 --scope 指定一个区县，或生成全市通报 PDF/XLSX")
        n = city_report.build(state, period, defs.load(store, state), args.as_of)
        body = city_report.notice_pdf(n) if suffix == ".pdf" else city_report.notice_xlsx(n)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(body)
        print(f"{'【示例数据】' if n.is_demo else ''}{n.title}（{n.period.label}，截至 {n.as_of}）已写入 {args.out}")
        return 0
    if scope is not None:
        code = city.resolve(con, scope)
        # as of the city's now, as the district's board and its row in the city league are
        scoped = db.connect(state, districts=(code,))
        notice = build(scoped, period, defs.load(store, state), args.as_of or metrics.default_as_of(con),
                       is_demo=state.is_demo, boundaries=_own_towns(mc.boundaries(state), scoped))
    else:
        notice = build_from_store(store, period, args.as_of)
    if args.pack:
        body = pack_pdf(notice)
    else:
        body = notice_pdf(notice) if suffix == ".pdf" else notice_xlsx(notice)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(body)
    tag = "【示例数据】" if notice.is_demo else ""
    print(f"{tag}{notice.title}（{notice.period.label}，截至 {notice.as_of}）已写入 {args.out}", file=sys.stdout)
    return 0
