"""会议模式: the meeting-room screen. Rotates overview → league → map → progress → one slide per red town; a
city's whole board (&scope=city) rotates the city's overview, the districts' league, the towns coloured by
district, the districts' progress and one slide of 红黑榜 with each district's red towns.

URL: ?mode=meeting[&every=20][&slides=overview,league,map,progress,red][&period=2026-10 or 2026-W43][&scale=2 for 4K]
[&lang=en][&scope=city or a district's code, within what the account may see (ui.scope)]
"""

import time
from datetime import datetime

import streamlit as st

from board import metrics, vocab
from board.store import TZ
from render import city_charts, format as fmt, meeting_charts as mc
from ui import data, meeting, scope as scope_, shell
from ui.i18n import lang, t

# Constant CSS only (no data): no chrome, dark, type sized to the screen width so 4K reads like 1080p.
st.html("""
<style>
html { font-size: clamp(16px, 1.15vw, 46px); }
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
footer { display: none !important; }
[data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #0b1220; color: #f8fafc; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2.2rem 0.5rem 2.2rem; max-width: 100%; }
[data-testid="stApp"] p, [data-testid="stApp"] li, [data-testid="stApp"] h1, [data-testid="stApp"] h2,
[data-testid="stApp"] h3, [data-testid="stApp"] span { color: #f8fafc; }
[data-testid="stApp"] h1 { font-size: 2.6rem !important; padding: 0.2rem 0 !important; }
[data-testid="stApp"] h2 { font-size: 2.1rem !important; padding: 0.2rem 0 !important; }
.st-key-meeting_bar p { font-size: 1.35rem; color: #cbd5e1 !important; margin: 0; }
.st-key-meeting_bar strong { color: #f8fafc; }
[data-testid="stMetric"] { background: #111c30; border: 1px solid #1e2a44; border-radius: 0.6rem; padding: 0.9rem 1.2rem; }
[data-testid="stMetricValue"] { font-size: 3.6rem !important; font-weight: 800; color: #f8fafc; }
[data-testid="stMetricValue"] div { color: #f8fafc; }
[data-testid="stMetricLabel"] p { font-size: 1.5rem !important; color: #cbd5e1 !important; }
[data-testid="stMetricDelta"] { font-size: 1.5rem !important; }
[data-testid="stApp"] [data-testid="stMetricDelta"] span, [data-testid="stApp"] [data-testid="stMetricDelta"] div,
[data-testid="stApp"] [data-testid="stMetricDelta"] p { color: inherit !important; }
.st-key-meeting_honour p, .st-key-meeting_shame p { font-size: 2.1rem; line-height: 1.6; margin: 0; }
.st-key-meeting_honour h3 { color: #22c55e !important; font-size: 2.2rem !important; }
.st-key-meeting_shame h3 { color: #ef4444 !important; font-size: 2.2rem !important; }
.maplibregl-ctrl-group, .mapboxgl-ctrl-group { display: none !important; }
[data-testid="stMain"]:not(:has(.st-key-meeting_is_map)) .st-key-meeting_map_holder { display: none; }
.st-key-meeting_is_map p { font-size: 1.2rem; }
.st-key-meeting_legend p { font-size: 1.45rem; line-height: 1.7; word-break: keep-all; }
.st-key-meeting_legend h3 { font-size: 1.9rem !important; }
.st-key-meeting_reds p { font-size: 1.9rem; line-height: 1.6; margin: 0; }
.st-key-meeting_reds h3 { color: #ef4444 !important; font-size: 2.2rem !important; }
.st-key-meeting_district_legend span { font-size: 1.6rem !important; line-height: 2.2; }
.st-key-meeting_demo p { font-size: 1.35rem; color: #0b1220 !important; background: #fb923c;
    display: inline-block; padding: 0 0.7rem; border-radius: 0.4rem; font-weight: 700; }
</style>
""")

query = st.query_params
EVERY = meeting.seconds(query.get("every"))
NAMES = meeting.slide_names(query.get("slides"))
SCALE = meeting.scale(query.get("scale"))
# a city's few districts get larger type than a district's two dozen towns, on charts of the same height
LARGER = 1.4


TITLES = {"overview": "全区概况", "league": "镇街排名 · 平安指数", "map": "三色分布 · 绿 / 黄 / 红",
          "progress": "整改进度 · 整改率与销号率"}  # translated where shown
CITY_TITLES = {"overview": "全市概况", "league": "区县排名 · 平安指数", "map": "区县分布 · 镇街按所属区县着色",
               "progress": "整改进度 · 各区县整改率与销号率", "red": "红黑榜 · 区县与红色镇街"}


def _gap() -> str:
    """The wide space between a line's figures: the ideographic one in Chinese, an em space in English."""
    return "　" if lang() == "zh" else "\u2003"


def _period() -> metrics.Period | None:
    """&period=2026-10 (or 2026-W43, 2026-Q3 …) when it parses, else the latest month with data."""
    return meeting.period(query.get("period"))


for notice in meeting.notices(query, t):
    st.caption(notice)  # a wrong URL parameter is said on screen, and the screen carries on with its default
if data.scope_refusal():
    st.caption(data.scope_refusal())  # a scope the account may not see: said, and its own district shown instead


@st.fragment(run_every=EVERY)
def rotate() -> None:
    """One slide per run; re-reads the store each time, so a newly committed batch shows on the next slide."""
    if scope_.nowhere(data.scope()):
        st.title(f"{t('平安晾晒台')} · {t('会议模式')}")
        st.header(t("无权查看任何区县"))
        return
    period = _period() or next(iter(data.periods("month")), None)
    as_of = data.as_of()
    if period is None or as_of is None:
        st.title(f"{t('平安晾晒台')} · {t('会议模式')}")
        st.header(t("暂无数据"))
        return
    city = data.is_city()
    if city:
        towns, district = data.districts_ranked(period), data.city_league(period)[2]
        slides = mc.city_sequence(NAMES)
    else:
        towns, _, district = data.league(period)
        slides = mc.sequence(NAMES, towns)
    # the slide follows the clock since the screen opened, not a count of reruns: a late timer run
    # (a busy server) or an extra full rerun (a reconnect) neither skips nor repeats a slide
    start = st.session_state.setdefault("meeting_start", time.monotonic())
    i = round((time.monotonic() - start) / EVERY)
    kind, town = slides[i % len(slides)]

    with st.container(key="meeting_bar", horizontal=True, vertical_alignment="center", gap="large"):
        st.markdown(f"**{t('平安晾晒台')}** · {t('统计期')} **{shell.label(period)}** · {t('截至')} "
                    f"**{as_of:%Y-%m-%d}** · {fmt.md(data.comparison_note(period))}")
        st.markdown(f"{datetime.now(TZ):%H:%M} · "
                    + t("第 {i}/{n} 页").format(i=i % len(slides) + 1, n=len(slides)))
        if data.is_demo():
            with st.container(key="meeting_demo", width="content"):
                st.markdown(t("示例数据"))
    red = towns[towns["town_code"] == town].iloc[0] if kind == "red" and not city else None
    st.title(_title(kind, red, city))

    # The map is drawn on every slide at the same place and only hidden when it is not its turn:
    # a pydeck chart removed and re-added would take two new WebGL contexts each rotation, and
    # Chromium frees those slowly (about 80 MB per rotation in a soak run).
    if "map" in NAMES:
        with st.container(key="meeting_map_holder"):
            _city_map(period, towns) if city else _map(towns)
    with st.container(key="meeting_slide"):
        if kind == "map":
            # the marker the page CSS looks for to show the map holder
            with st.container(key="meeting_is_map"):
                st.caption(t("镇街按所属区县着色，图中为区县排名与名称") if city else t("图中数字为平安指数排名"))
        elif city:
            _city_slide(kind, period, towns, district)
        elif kind == "overview":
            _overview(period, towns, district)
        elif kind == "league":
            st.plotly_chart(mc.league_bars(towns, height=880, scale=SCALE, t=t), theme=None,
                            key="meeting_league", config={"displayModeBar": False, "staticPlot": True})
        elif kind == "progress":
            name = data.scope_name()
            line = t("{name}整改率").format(name=name) if name else None
            st.plotly_chart(mc.progress_bars(towns, district["rectification_rate"], height=880, scale=SCALE, t=t,
                                             line_label=line),
                            theme=None, key="meeting_progress",
                            config={"displayModeBar": False, "staticPlot": True})
        elif kind == "red":
            _red_town(red, data.behind_median(period, town, top=6))


def _title(kind: str, red, city: bool) -> str:
    """The slide's heading: the city's, or today's headed with the district's name in a city's store."""
    if city:
        return t(CITY_TITLES[kind])
    title = t("红色预警 · {town}").format(town=fmt.md(red["town_name"])) if kind == "red" else t(TITLES[kind])
    name = data.scope_name()   # a district of a city's store; None in a one-district store
    if not name:
        return title
    if kind == "overview":
        return t("{name}概况").format(name=fmt.md(name))
    return f"{fmt.md(name)} · {title}"


def _city_slide(kind: str, period, districts, city_row) -> None:
    """A city's slide other than the map: districts stand where a district's slides put towns."""
    if kind == "overview":
        _city_overview(period)
    elif kind == "league":
        st.plotly_chart(mc.league_bars(city_charts.as_towns(districts), height=int(880 / LARGER),
                                       scale=SCALE * LARGER, t=t),
                        theme=None, key="meeting_league", config={"displayModeBar": False, "staticPlot": True})
    elif kind == "progress":
        st.plotly_chart(mc.progress_bars(city_charts.as_towns(districts), city_row["rectification_rate"],
                                         height=int(880 / LARGER), scale=SCALE * LARGER, t=t,
                                         line_label=t("全市整改率")),
                        theme=None, key="meeting_progress", config={"displayModeBar": False, "staticPlot": True})
    elif kind == "red":
        best, worst = data.district_boards(period)
        left, right = st.columns([1, 1], gap="large")
        with left:
            _boards(best, worst, "district_name", columns=False)
        with right.container(key="meeting_reds"):
            reds = data.district_red_towns(period)
            st.subheader(t("各区县红色镇街 · {n} 个").format(n=len(reds)))
            for code, name in data.districts():
                mine = reds[reds["district_code"] == code].sort_values("rank")
                listed = "、".join(f"{fmt.md(r.town_name)}\u00a0{mc.rank_text(r.rank)}" for r in mine.itertuples())
                st.markdown(f"**{fmt.md(name)}**{_gap()}{listed or t('无红色镇街')}")
            st.caption(t("镇街后的数字为其在本区县的排名"))


def _city_overview(period) -> None:
    """The city's KPIs against the previous period seen at the same age (data.kpis, as the city overview page
    shows them), then 红黑榜 of the districts."""
    shown = data.kpis(period)
    for start in (0, 5):
        for column, k in zip(st.columns(5), shown.iloc[start:start + 5].itertuples()):
            value = fmt.rate(k.value) if k.kind == "rate" else fmt.count(k.value)
            colour = "off" if not isinstance(k.better, str) else ("inverse" if k.better == "lower" else "normal")
            column.metric(t(k.label), value, fmt.delta(k.change, k.kind, t("个百分点")), delta_color=colour)
    best, worst = data.district_boards(period)
    _boards(best, worst, "district_name")


def _boards(best, worst, name_col: str, columns: bool = True) -> None:
    """红榜 and 黑榜 (rank, name, index, change), side by side or one above the other."""
    n = data.district_board_size() if name_col == "district_name" else data.board_size()
    places = st.columns(2) if columns else [st.container(), st.container()]
    for place, key, title, rows in zip(places, ("meeting_honour", "meeting_shame"),
                                       (t("红榜 · 前{n}").format(n=n), t("黑榜 · 后{n}").format(n=n)),
                                       (best, worst)):
        with place.container(key=key):
            st.subheader(title)
            for r in rows.itertuples():
                st.markdown(_gap().join((mc.rank_text(r.rank), fmt.md(getattr(r, name_col)), mc.score_text(r.score),
                                         mc.change_text(r.rank_change, t))))


def _tiles(items: list[tuple[str, str]]) -> None:
    """Big figures, four to a row: (label, value as shown)."""
    for start in range(0, len(items), 4):
        for column, (label, value) in zip(st.columns(4), items[start:start + 4]):
            column.metric(label, value)


def _overview(period, towns, district) -> None:
    tiers = towns["tier"].value_counts()
    _tiles([(t("发现隐患"), fmt.count(district["found"])), (t("整改率"), fmt.rate(district["rectification_rate"])),
            (t("销号率"), fmt.rate(district["closure_rate"])), (t("按期整改率"), fmt.rate(district["on_time_rate"])),
            (t("逾期隐患"), fmt.count(district["overdue"])), (t("累计逾期"), fmt.count(district["backlog_overdue"])),
            (t("复发率"), fmt.rate(district["recurrence_rate"])),
            (t("三色（绿 / 黄 / 红）"), " / ".join(str(int(tiers.get(tier, 0))) for tier in vocab.TIERS))])
    # the same 红榜 and 黑榜, in the same order (the worst town last), as the overview and the notice
    best, worst = data.boards(period)
    _boards(best, worst, "town_name")


def _map(towns) -> None:
    geojson = data.boundaries()   # a district of a city's store: its own towns only
    if geojson is None:
        st.header(t("尚未上传镇街边界"))
        return
    left, right = st.columns([2, 1], gap="large")
    with left:
        # one stable key: the same map element is updated, not a new WebGL context per rotation
        st.pydeck_chart(mc.tier_map(geojson, towns, height=int(860 * SCALE), scale=SCALE, aspect=1.25,
                                    numbers_only=True, t=t),
                        height=int(860 * SCALE), key="meeting_map")
    with right.container(key="meeting_legend"):
        for tier, name in reversed(vocab.TIERS.items()):  # worst first
            group = towns[towns["tier"] == tier]
            st.subheader(t("{tier}色 · {n} 个").format(tier=t(name), n=len(group)))
            st.markdown(_gap().join(f"{mc.rank_text(r.rank)}\u00a0{fmt.md(r.town_name)}" for r in group.itertuples()))


def _city_map(period, districts) -> None:
    """The city's towns coloured by district (as the city's hazard map draws them), each district labelled with
    its rank; beside it the districts in rank order with their colour and index."""
    geojson = data.boundaries()
    if geojson is None:
        st.header(t("尚未上传镇街边界"))
        return
    towns = data.town_districts(period)
    colours = city_charts.district_colours([c for c, _ in data.districts()])
    coloured, _ = city_charts.towns_by_district(geojson, towns, colours, t)
    left, right = st.columns([2, 1], gap="large")
    with left:
        st.pydeck_chart(mc.district_map(coloured, towns, districts, height=int(860 * SCALE), scale=SCALE,
                                        aspect=1.25, t=t),
                        height=int(860 * SCALE), key="meeting_map")
    with right.container(key="meeting_district_legend"):
        st.html(mc.district_legend_html([(f"{mc.rank_text(r.rank)}  {r.district_name}  {mc.score_text(r.score)}",
                                          colours.get(r.district_code, city_charts.UNASSIGNED_COLOUR))
                                         for r in districts.itertuples()]))


def _red_town(town, behind) -> None:
    _tiles([(t("排名（较上期同口径 {change}）").format(change=mc.change_text(town["rank_change"], t)),
             t("第 {rank} 名").format(rank=mc.rank_text(town["rank"]))),
            (t("平安指数"), mc.score_text(town["score"])), (t("整改率"), fmt.rate(town["rectification_rate"])),
            (t("按期整改率"), fmt.rate(town["on_time_rate"])), (t("发现隐患"), fmt.count(town["found"])),
            (t("逾期隐患"), fmt.count(town["overdue"])), (t("累计逾期"), fmt.count(town["backlog_overdue"])),
            (t("销号率"), fmt.rate(town["closure_rate"]))])
    # the same figures as the league's 得分分析 (figures.why): index points behind the median town
    st.subheader(t("失分项 · 较全区中位数少得最多的六项（指数分）"))
    st.plotly_chart(mc.behind_median_bars(behind, height=330, scale=SCALE, t=t), theme=None,
                    key="meeting_red", config={"displayModeBar": False, "staticPlot": True})


rotate()
