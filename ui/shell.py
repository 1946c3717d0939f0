"""The frame every page shares: language, scope (a city's whole board or one district's), period selector,
the 示例数据 / as-of banners."""

from __future__ import annotations

import streamlit as st

from board import metrics
from render import charts, export
from render.format import md
from ui import data, scope as scope_
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
.st-key-scope-bar button p, [class*="st-key-open-district-"] button p { font-size: 1.3rem; }
</style>
"""


def frame() -> None:
    """Sidebar controls and CSS; call once from app.py before the page runs."""
    st.html(STYLE)
    language()
    keep_scope()
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


def keep_scope() -> None:
    """The scope shown, kept in the session and the URL (?scope=city or ?scope=<district_code>) as the language
    is; what was refused (a district the account may not see) is kept to be said until the viewer chooses."""
    if not data.districts():
        scope_.forget()   # a one-district store: today's board, no scope anywhere
        return
    refused = data.scope_refusal()
    if refused:
        st.session_state["scope_refused"] = refused
    scope_.keep(data.scope())


def scope_bar() -> None:
    """A city's store: the scope chooser at the top of a leaders' page (全市 and each district the account may
    see), 返回全市 while a district is shown, and what was refused; nothing for a one-district store."""
    listed = data.districts()
    shown_ = data.scope()
    if scope_.nowhere(shown_):  # checked first: a store without districts shows a limited account nothing
        st.error(st.session_state.get("scope_refused") or t("无权查看任何区县"))
        st.stop()
    if not listed:
        return
    permitted = scope_.allowed()
    options = ([scope_.CITY] if permitted is None else []) + [c for c, _ in scope_.visible(listed, permitted)]
    names = {scope_.CITY: t("全市"), **dict(listed)}
    current = scope_.CITY if shown_ is None else shown_
    # a widget keeps its own state only within a page, and a drill-down changes the scope under it: one
    # chooser per scope shown, created on the scope, follows both
    pick = f"scope_pick_{current}"
    with st.container(horizontal=True, key="scope-bar", vertical_alignment="bottom"):
        # option labels render markdown: a district's name is data, escaped like every other
        st.segmented_control(t("查看范围"), options, default=current, format_func=lambda c: md(names[c]), key=pick,
                             required=True, on_change=_choose_scope, args=(pick,))
        if shown_ is not None and permitted is None:
            st.button(t("← 返回全市"), key="scope-back", type="primary", on_click=choose_scope, args=(None,))
    refused = st.session_state.get("scope_refused")
    if refused:
        st.error(refused)


def _choose_scope(key: str) -> None:
    pick = st.session_state.get(key)
    choose_scope(None if pick in (None, scope_.CITY) else pick)


def choose_scope(code: str | None) -> None:
    """Show the whole city (None) or one district from the next run on (a widget callback)."""
    st.session_state.pop("scope_refused", None)
    scope_.choose(code)


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
    scope_bar()
    p = period()
    where = data.scope_name()
    st.title(f"{md(where)} · {t(title)}" if where else t(title))
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


def later(key: str, draw, height: int) -> None:
    """Draw a part below the fold once the browser has shown the rest of the page: on a session's first view
    an empty space `height` px tall (so nothing below it moves), then the part itself, asked for by the browser
    a second later.

    Why: a plotly figure is the only thing on the first page that needs plotly.js, 4.7 MB of JavaScript that a
    fresh browser loads and runs for 0.6–2 s; sent with the rest, it holds up the KPIs and the league table.
    """
    armed = f"later-armed-{key}"
    if st.session_state.get(armed):   # any later whole run of the session draws it
        draw()
        return
    st.container(height=height, border=False, key=f"later-{key}")

    # The fragment's first timed rerun, a second after the page arrived (by then a fresh browser has drawn the
    # rest: 0.3–1.1 s on two busy cores), asks for a whole run, which draws the part and ends the timer (a whole
    # run ends every timer). Called inline in this run it does nothing: the session is armed only after it.
    @st.fragment(run_every=1.0)
    def wake():
        if st.session_state.get(armed):
            st.rerun()

    wake()
    st.session_state[armed] = True


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
    """Go to 镇街详情 for a town (the town also rides in the URL, so the page can be bookmarked); from a city's
    board, in its district's board."""
    choose_town(town_code)
    st.switch_page("pages/leaders/town.py", query_params={"town": town_code})


def choose_town(town_code: str) -> None:
    """The town 镇街详情 shows from now on; on a city's board, in the board of the town's district."""
    if data.is_city():
        p = period()
        district = data.town_district(p, town_code) if p is not None else None
        if district is not None:
            choose_scope(district)
    st.session_state["town"] = st.session_state["town_pick"] = town_code


def choose_town_picked(key: str) -> None:
    """A selectbox's town (a widget callback): choose_town, the selectbox emptied for the next time."""
    picked = st.session_state.get(key)
    if picked is not None:
        st.session_state[key] = None
        choose_town(picked)


def podium(period: metrics.Period, best_title: str, worst_title: str, group: str | None = None,
           key: str = "podium") -> None:
    """红榜 and 黑榜 side by side (data.boards: the one ordering, in rank order, the worst town last), each
    town's index and its rank change (like for like); of one group when `group` is given."""
    best, worst = data.boards(period, group)
    rank_col, change_col = ("group_rank", "group_rank_change") if group else ("rank", "rank_change")
    where = (lambda r: f"{md(r.group)}{t('组内')}") if group else (lambda r: "")
    _boards(best, worst, best_title, worst_title, "town_name", rank_col, change_col, where, key)


def district_podium(period: metrics.Period, best_title: str, worst_title: str, key: str = "district-podium") -> None:
    """红榜 and 黑榜 of a city's districts (data.district_boards), as podium shows the towns'."""
    best, worst = data.district_boards(period)
    _boards(best, worst, best_title, worst_title, "district_name", "rank", "rank_change", lambda r: "", key)


def _boards(best, worst, best_title, worst_title, name_col, rank_col, change_col, where, key) -> None:
    from render.format import number, rank_delta

    for column, title, rows, side in zip(st.columns(2), (best_title, worst_title), (best, worst),
                                         ("best", "worst")):
        with column.container(key=f"{key}-{side}"):
            st.subheader(t(title))
            for r in rows.itertuples():
                st.metric(f"{where(r)}{t('第')}{int(getattr(r, rank_col))}{t('名')} · {md(getattr(r, name_col))}",
                          number(r.score), rank_delta(getattr(r, change_col), t("位")))


def district_buttons(districts, key: str) -> None:
    """One button per district that opens its own board (the drill-down from the city)."""
    st.markdown(t("点击区县，进入该区县的看板："))
    with st.container(horizontal=True, key=f"open-district-{key}"):
        for code, name in zip(districts["district_code"], districts["district_name"]):
            st.button(f"{md(name)} →", key=f"{key}-open-{code}", on_click=choose_scope, args=(code,))


def kpis(period: metrics.Period) -> None:
    """The headline KPIs of the whole row (全区, 全市 or the district shown), each against the previous period
    seen at the same age (data.kpis), in two rows of five."""
    from render.format import count, delta, rate

    shown_kpis = data.kpis(period)
    for row in (shown_kpis.iloc[:5], shown_kpis.iloc[5:]):
        for col, k in zip(st.columns(5), row.itertuples()):
            shown = rate(k.value) if k.kind == "rate" else count(k.value)
            colour = "off" if not isinstance(k.better, str) else ("inverse" if k.better == "lower" else "normal")
            col.metric(t(k.label), shown, delta(k.change, k.kind, t("个百分点")), delta_color=colour)


def outcomes(period: metrics.Period) -> None:
    """The outcome indicators this period against a year earlier (data.outcomes)."""
    from render.format import delta, number, rate, signed_rate

    st.subheader(t("结果指标（同比）"))
    shown_outcomes = data.outcomes(period)
    if shown_outcomes.empty:
        st.info(t("暂无结果指标数据"))
        return
    cols = st.columns(min(len(shown_outcomes), 4))
    for i, o in enumerate(shown_outcomes.itertuples()):
        # percentages arrive as fractions (0.9612); counts as totals over the period
        pct = o.unit == "%"
        shown = rate(o.value) if pct else number(o.value, 0)
        change = delta(o.change, "rate" if pct else "count", t("个百分点"))
        if change and not pct:
            change += i18n_p(f"（{signed_rate(o.change_rate)}）")
        cols[i % len(cols)].metric(i18n_p(f"{t(o.name)}（{t(o.unit)}）"), shown, change,
                                   delta_color="inverse" if o.direction == "lower" else "normal")
    st.caption(i18n_p(t("与上年同期比较") + f"（{label(period.year_earlier())}）"))
