"""镇街详情 Town drill-down: one town's rank history, index components, its hazards on the map and its
overdue list. Reached from the league table and the map (?town=code), or the selector."""

import streamlit as st

from render import charts
from render.format import count, number, rank_delta, rate, table
from ui import data, shell
from ui.i18n import p, t

period = shell.page("镇街详情")

if data.is_city():
    # a town is seen on its district's board, ranked among its district's towns: choosing one opens it there
    st.query_params.pop("town", None)
    st.info(t("全市看板不排镇街名次：选择镇街，进入其所属区县的看板查看镇街详情。"))
    places = data.town_districts(period)
    labels = {c: p(f"{d if isinstance(d, str) else t('未分区县')} · {n}")
              for c, n, d in zip(places["town_code"], places["town_name"], places["district_name"])}
    st.selectbox(t("选择镇街"), list(labels), index=None, format_func=labels.get, key="city_town_pick",
                 placeholder=t("选择镇街"), on_change=shell.choose_town_picked, args=("city_town_pick",))
    st.stop()

towns, _, _ = data.league(period)
names = dict(zip(towns["town_code"], towns["town_name"]))
codes = list(names)
wanted = st.query_params.get("town") or st.session_state.get("town")
if st.session_state.get("town_pick") not in codes:
    st.session_state["town_pick"] = wanted if wanted in codes else codes[0]
code = st.selectbox(t("选择镇街"), codes, format_func=names.get, key="town_pick")
st.session_state["town"] = code
st.query_params["town"] = code

row = towns[towns["town_code"] == code].iloc[0]
st.page_link("pages/leaders/grids.py", label=t("查看本镇街网格（星级、升降星）→"), query_params={"town": code})
cols = st.columns(6)
cols[0].metric(t("平安指数"), number(row["score"]))
cols[1].metric(t("排名"), "—" if str(row["rank"]) == "<NA>" else f"{int(row['rank'])} / {len(towns)}",
               rank_delta(row["rank_change"], t("位")))
cols[2].metric(t("三色"), t(charts.TIER_NAMES.get(row["tier"], "—")) if isinstance(row["tier"], str) else "—")
cols[3].metric(t("发现隐患"), count(row["found"]))
cols[4].metric(t("整改率"), rate(row["rectification_rate"]))
cols[5].metric(t("累计逾期"), count(row["backlog_overdue"]))
st.caption(p(data.comparison_note(period) + "；" + t("前期逾期积压 {n} 个，最长逾期 {days} 天").format(
    n=count(row["earlier_overdue"]), days=count(row["earlier_overdue_days_max"]))))

st.subheader(t("检查覆盖"))
checked = data.coverage(period)[0].set_index("town_code").loc[code]
cols = st.columns(4)
cols[0].metric(t("检查覆盖"), t("已覆盖") if checked["covered"] else t("本期未检查"))
cols[1].metric(t("检查次数"), count(checked["inspections"]))
cols[2].metric(t("检查点位"), count(checked["points_checked"]))
cols[3].metric(t("检查发现隐患"), count(checked["hazards_found_by_inspection"]))

history_col, why_col = st.columns(2)
with history_col:
    st.subheader(t("排名走势（近12期）"))
    shell.chart(charts.rank_history(data.rank_history(code, period), len(towns), t), key="rank-history")
with why_col:
    st.subheader(t("分项相对全区中位数"))
    shell.chart(charts.why_bars(data.why(period, code), t), key="town-why")

st.subheader(t("本期隐患分布"))
boundaries = data.boundaries()
drawn_as, drawn = data.map_hazards(period, cell=0.002, town_code=[code])
values = towns[["town_code", "tier"]].rename(columns={"tier": "value"})
text = {c: t(charts.TIER_NAMES.get(v, "—")) if isinstance(v, str) else "—"
        for c, v in zip(values["town_code"], values["value"])}
coloured = (charts.choropleth(boundaries, values, "tier", "higher", t("三色"), text, focus=code, t=t)[0]
            if boundaries else None)
deck = charts.hazard_map(coloured, drawn, "points", cells=drawn_as == "cells",
                         bounds=charts.feature_bounds(boundaries, code), height=560, t=t)
st.pydeck_chart(deck, height=560, key="town-map")
st.html(charts.legend_html(charts.status_legend(t)))

st.subheader(t("逾期隐患清单"))
overdue = data.overdue_list(code)
overdue_table = table(overdue, [("unit_name", "责任主体", "text"), ("category", "类别", "translate"),
                                ("severity", "等级", "translate"), ("overdue_days", "逾期天数", "count"),
                                ("department", "责任部门", "text"), ("escalation", "督办层级", "escalation"),
                                ("leader", "包案领导", "text"), ("deadline", "整改期限", "date"),
                                ("hazard_id", "隐患编号", "text")], t)
st.dataframe(overdue_table, hide_index=True, width="stretch", key="town-overdue")
shell.downloads(overdue_table, f"逾期隐患_{names[code]}", "town-overdue")
