"""The frame every page shares: language, period selector, the 示例数据 / as-of banners."""

from __future__ import annotations

import streamlit as st

from board import metrics
from render import charts, export
from ui import data
from ui.i18n import fixed, lang, t
from ui.i18n import p as i18n_p

# month first: the radio's first option is the default period kind
KINDS = {"month": "月", "week": "周", "quarter": "季", "half": "半年", "year": "年"}
LANGUAGES = {"zh": "中文", "en": "English"}

# Constant CSS only (no data): large figures a leader can read from the back of the room.
STYLE = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.25rem; }
[data-testid="stMetricDelta"] { font-size: 1.15rem; }
h1 { font-size: 2.4rem !important; }
h2 { font-size: 1.9rem !important; }
h3 { font-size: 1.5rem !important; }
.big-list p, .big-list li { font-size: 1.5rem; line-height: 1.6; }
</style>
"""


def frame() -> None:
    """Sidebar controls and CSS; call once from app.py before the page runs."""
    st.html(STYLE)
    language()
    # the labels are fixed for this run: a widget's format_func may be called where there is no session
    tr, zh = fixed(), lang() == "zh"
    with st.sidebar:
        kind = st.radio(t("统计期"), list(KINDS), key="period_kind", horizontal=True,
                        format_func=lambda k: tr(KINDS[k]))
        choices = data.periods(kind)
        if choices:
            st.selectbox(t("统计期"), choices, key=f"period_{kind}", label_visibility="collapsed",
                         format_func=lambda p: p.label if zh else p.code)


def language() -> None:
    """The language radio, kept in step with the URL (?lang=en; Chinese, the default, keeps the URL plain), so
    that a reload or a shared link keeps the viewer's language.

    The language itself is plain session state ("lang"), which a page change keeps; the radio only shows and
    sets it (a widget's own state is reset on a page change, and bind="query-params" would put the option's
    label in the URL, ?lang=English).
    """
    asked = st.query_params.get("lang")
    if "lang" not in st.session_state:
        st.session_state["lang"] = asked if asked in LANGUAGES else "zh"   # a page load: the URL says
    with st.sidebar:
        st.radio(t("语言"), list(LANGUAGES), index=list(LANGUAGES).index(lang()), key="lang_pick",
                 horizontal=True, format_func=LANGUAGES.get, on_change=_choose_language)
    if lang() == "zh":
        if "lang" in st.query_params:
            del st.query_params["lang"]
    elif asked != lang():
        st.query_params["lang"] = lang()


def _choose_language() -> None:
    st.session_state["lang"] = st.session_state["lang_pick"]


def period() -> metrics.Period | None:
    """The period chosen in the sidebar (the latest one with data by default)."""
    kind = st.session_state.get("period_kind", "month")
    chosen = st.session_state.get(f"period_{kind}")
    if chosen is None:
        choices = data.periods(kind)
        chosen = choices[0] if choices else None
    return chosen


def header(title: str) -> metrics.Period | None:
    """Page title with the period, the as-of date and, for demo data, the 示例数据 label."""
    p = period()
    st.title(t(title))
    bits = []
    if p is not None:
        bits.append(f"{t('统计期')}：{p.label if st.session_state.get('lang', 'zh') == 'zh' else p.code}")
    as_of = data.as_of()
    if as_of:
        bits.append(f"{t('截至')} {as_of:%Y-%m-%d}")
    if data.is_demo():
        bits.append(f"**:orange-background[{t('示例数据')}]**")
    st.markdown(i18n_p(" · ".join(bits)))
    return p


def page(title: str) -> metrics.Period:
    """The leaders' page preamble: header(title), and a page that stops with 暂无数据 when no period has data."""
    p = header(title)
    if p is None:
        st.info(t("暂无数据"))
        st.stop()
    return p


def chart(fig, key: str | None = None) -> None:
    """A plotly figure across the page, without the plotly logo or any link out."""
    st.plotly_chart(fig, width="stretch", config=charts.PLOTLY_CONFIG, theme=None, key=key)


def downloads(df, name: str, key: str) -> None:
    """CSV and XLSX buttons for a table, or for what a callable returns (through board/export: formulas
    neutralised).

    The files are made when a button is clicked, not on every rerun: an XLSX of a 10M-row ledger's
    86,000 overdue hazards takes seconds, and most reruns download nothing.
    """
    frame = df if callable(df) else (lambda: df)
    a, b, _ = st.columns([1, 1, 6])
    a.download_button(t("下载 CSV"), lambda: export.to_csv_bytes(frame()), f"{name}.csv", "text/csv",
                      key=f"{key}-csv")
    b.download_button(t("下载 Excel"), lambda: export.to_xlsx_bytes(frame(), name), f"{name}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx")


def label(p: metrics.Period) -> str:
    """A period in the viewer's language."""
    return p.label if lang() == "zh" else p.code


def open_town(town_code: str) -> None:
    """Go to 镇街详情 for a town (the town also rides in the URL, so the page can be bookmarked)."""
    st.session_state["town"] = st.session_state["town_pick"] = town_code
    st.switch_page("pages/leaders/town.py", query_params={"town": town_code})


def podium(period: metrics.Period, best_title: str, worst_title: str, group: str | None = None,
           key: str = "podium") -> None:
    """红榜 and 黑榜 side by side (data.boards: the one ordering, in rank order, the worst town last), each
    town's index and its rank change (like for like); of one group when `group` is given."""
    from render.format import md, number, rank_delta

    best, worst = data.boards(period, group)
    rank_col, change_col = ("group_rank", "group_rank_change") if group else ("rank", "rank_change")
    for column, title, rows, side in zip(st.columns(2), (best_title, worst_title), (best, worst),
                                         ("best", "worst")):
        with column.container(key=f"{key}-{side}"):
            st.subheader(t(title))
            for r in rows.itertuples():
                where = f"{md(r.group)}{t('组内')}" if group else ""
                st.metric(f"{where}{t('第')}{int(getattr(r, rank_col))}{t('名')} · {md(r.town_name)}", number(r.score),
                          rank_delta(getattr(r, change_col), t("位")))
