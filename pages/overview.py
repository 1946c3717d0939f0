"""总览 Overview: the district's headline figures for the chosen period."""

import streamlit as st

from board import data
from ui import shell
from ui.format import count, rate
from ui.i18n import t

period = shell.header("总览")
if period is None:
    st.info(t("暂无数据"))
    st.stop()

district = data.ledger(period).query("is_district").iloc[0]
cols = st.columns(4)
cols[0].metric(t("发现隐患"), count(district["found"]))
cols[1].metric(t("整改率"), rate(district["rectification_rate"]))
cols[2].metric(t("销号率"), rate(district["closure_rate"]))
cols[3].metric(t("按期整改率"), rate(district["on_time_rate"]))
cols = st.columns(4)
cols[0].metric(t("逾期隐患"), count(district["overdue"]))
cols[1].metric(t("复发率"), rate(district["recurrence_rate"]))
cols[2].metric(t("晾晒问题销号率"), rate(district["aired_closure_rate"]))
cols[3].metric(t("检查点位"), count(district["points_checked"]))
