"""总览 of a city's whole board (issue 15): the city's KPIs against the previous period seen at the same age,
the districts' league (rank, ▲▼ change, 平安指数, tier, the main rates, towns), 红黑榜 of districts, the city's
last 12 periods at the same age, outcome indicators year on year. Each district opens its own board."""

import streamlit as st

from render import charts, city_charts
from render.format import count, number, rate
from ui import data, shell
from ui.i18n import p, t

period = shell.page("总览")

st.caption(p(data.comparison_note(period) + t("（变化均与之比较，避免把上期多出的整改时间当作本期下滑）")))
shell.kpis(period)

st.subheader(t("区县排名"))
districts = data.districts_ranked(period)
main = [("towns", "镇街数", "count"), ("found", "发现隐患", "count"), ("rectification_rate", "整改率", "rate"),
        ("closure_rate", "销号率", "rate"), ("on_time_rate", "按期整改率", "rate"), ("overdue", "逾期隐患", "count"),
        ("overdue_per_10k", "每万人逾期隐患", "number")]
# HTML, not plotly: the first thing a leader reads shows without waiting for the browser to load plotly
with st.container(key="district-league"):
    st.html(city_charts.league_html(districts, main, t, {"rate": rate, "number": number, "count": count}))
st.caption(p(data.comparison_note(period) + "；" + t("排名变化 = 上期同口径排名 − 本期排名（▲ 上升）")))
shell.district_buttons(districts, key="overview")

size = data.district_board_size()
shell.district_podium(period, t("前 {n} 名").format(n=size), t("后 {n} 名").format(n=size))

st.subheader(t("全市近12期走势"))
st.caption(t("各期同口径：每期的数据都截至该期期末加上本期截至日与本期期末之差，与本期数据时长相同。"))
shell.later("trend", lambda: shell.chart(charts.kpi_trend(data.ledger_trend(period), t), key="trend"), 440)

shell.outcomes(period)
