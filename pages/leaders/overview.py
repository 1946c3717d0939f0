"""总览 Overview: headline KPIs against the previous period seen at the same age (like for like), the last 12
periods each at the same age, best and worst towns, outcome indicators year on year."""

import streamlit as st

from render import charts
from ui import data, shell
from ui.i18n import p, t

period = shell.page("总览")

st.caption(p(data.comparison_note(period) + t("（变化均与之比较，避免把上期多出的整改时间当作本期下滑）")))
shell.kpis(period)

st.subheader(t("近12期走势"))
st.caption(t("各期同口径：每期的数据都截至该期期末加上本期截至日与本期期末之差，与本期数据时长相同。"))
shell.later("trend", lambda: shell.chart(charts.kpi_trend(data.ledger_trend(period), t), key="trend"), 440)

size = data.board_size()
shell.podium(period, t("前 {n} 名").format(n=size), t("后 {n} 名").format(n=size))

shell.outcomes(period)
