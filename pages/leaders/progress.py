"""整改进度 Rectification progress: the lifecycle funnel, the open backlog over time, overdue ageing,
the escalation ladder, recurrences, aired problems by notice, leader-owned items, the overdue list."""

import streamlit as st

from board import vocab
from render import charts
from render.format import count, md, rate, table
from ui import data, i18n, shell
from ui.i18n import t

period = shell.page("整改进度")

district = data.ledger(period).query("is_district").iloc[0]
left, right = st.columns(2)
with left:
    st.subheader(t("发现 → 整改 → 销号"))
    shell.chart(charts.funnel(district, t), key="funnel")
    a, b, c = st.columns(3)
    a.metric(t("发现隐患"), count(district["found"]))
    b.metric(t("整改率"), rate(district["rectification_rate"]))
    c.metric(t("销号率"), rate(district["closure_rate"]))
with right:
    st.subheader(t("未整改存量（各月末）"))
    shell.chart(charts.backlog_lines(data.backlog_trend(period), t), key="backlog")
    a, b = st.columns(2)
    a.metric(t("累计逾期"), count(district["backlog_overdue"]))
    b.metric(t("本期逾期"), count(district["overdue"]))

st.header(t("检查覆盖"))
kinds = st.multiselect(t("检查类型"), data.inspector_types(period), format_func=t, key="coverage_types",
                       placeholder=t("全部"))
covered, cover = data.coverage(period, kinds)
a, b, c = st.columns(3)
a.metric(t("检查覆盖"), t("{covered} / {towns} 镇街已覆盖").format(covered=cover["covered"], towns=cover["towns"]))
b.metric(t("检查点位"), count(cover["points_checked"]))
c.metric(t("检查发现隐患"), count(cover["hazards_found_by_inspection"]))
if cover["missing"]:
    st.warning(t("本期未检查的镇街：") + "、".join(md(name) for name in cover["missing"]))
st.caption(t("统计期内（截至日前）至少有一次所选类型检查的镇街为已覆盖；不选检查类型即全部类型。"))
st.dataframe(table(covered.assign(state=covered["covered"].map({True: t("已覆盖"), False: t("未覆盖")})),
                   [("town_name", "镇街", "text"), ("state", "检查覆盖", "text"), ("inspections", "检查次数", "count"),
                    ("points_checked", "检查点位", "count"), ("hazards_found_by_inspection", "检查发现隐患", "count"),
                    ("last_inspected", "最近检查日期", "date")], t), hide_index=True, width="stretch", key="coverage")

st.header(t("逾期时长分布"))
st.caption(t("截至日仍逾期的全部隐患（不限统计期），按超过整改期限的天数分档。"))
ageing = data.overdue_ageing()
by_town, by_severity = st.columns([3, 2])
with by_town:
    st.subheader(t("按镇街"))
    shell.chart(charts.ageing_bars(ageing, "town_name", vocab.AGE_BUCKET_NAMES, t), key="ageing-town")
with by_severity:
    st.subheader(t("按等级"))
    shell.chart(charts.ageing_bars(ageing, "severity", vocab.AGE_BUCKET_NAMES, t), key="ageing-severity")

st.header(t("督办升级"))
esc = data.escalations(period)
ladder, outcomes = st.columns(2)
with ladder:
    st.subheader(t("提醒 → 警示 → 执法"))
    st.caption(t("本期发现的隐患，按督办层级。"))
    shell.chart(charts.escalation_bars(esc, vocab.ESCALATION_LEVELS, t), key="escalations")
with outcomes:
    st.subheader(t("执法结果"))
    # the same scope as the overdue list below (every hazard found by now, whatever its period): a panel
    # of the period's hazards only once said "none at 执法" beside hundreds of listed hazards at 执法
    st.caption(t("截至日所有升级到执法的隐患（不限统计期，与下方逾期隐患清单同一口径）。"))
    enforced = data.enforcement()
    if enforced.empty:
        st.info(t("截至日没有升级到执法的隐患"))
    else:
        st.dataframe(table(enforced.fillna({"enforcement": "未填写"}),
                           [("enforcement", "执法结果", "translate"), ("hazards", "隐患数", "count"),
                            ("open", "未整改", "count"), ("overdue", "其中逾期", "count"),
                            ("closed", "已销号", "count")], t),
                     hide_index=True, width="stretch", placeholder="—", key="enforcement")

recur, notices = st.columns(2)
with recur:
    st.header(t("复发隐患"))
    rec = data.recurrences(period)
    # the counts behind the rate are plain text, not a metric's delta (an arrow that read as a rise)
    st.metric(t("复发率"), rate(district["recurrence_rate"]))
    st.caption(t("复发 {a} 个 / 已销号 {b} 个").format(a=count(district["recurred"]), b=count(district["closed"])))
    st.dataframe(table(rec, [("town_name", "镇街", "text"), ("unit_name", "责任主体", "text"),
                             ("category", "类别", "translate"), ("found_date", "发现日期", "date"),
                             ("closed_date", "销号日期", "date")], t), hide_index=True, width="stretch")
with notices:
    st.header(t("晾晒问题销号"))
    aired = data.aired_notices(period)
    st.metric(t("晾晒问题销号率"), rate(district["aired_closure_rate"]))
    st.caption(t("已销号 {a} 个 / 晾晒 {b} 个").format(a=count(district["aired_closed"]), b=count(district["aired"])))
    if aired.empty:
        st.info(t("本期没有晾晒问题"))
    else:
        shell.chart(charts.notice_bars(aired, t), key="notices")
        st.dataframe(table(aired, [("notice_no", "晾晒期号", "count"), ("aired", "晾晒问题", "count"),
                                   ("closed", "已销号", "count"), ("closure_rate", "销号率", "rate"),
                                   ("overdue", "逾期", "count")], t), hide_index=True, width="stretch")

st.header(t("包案领导"))
leaders = data.leader_items(period)
if leaders.empty:
    st.info(t("本期没有包案隐患"))
else:
    leader_table = table(leaders, [("leader", "包案领导", "text"), ("items", "包案隐患", "count"),
                                   ("rectified", "已整改", "count"), ("closed", "已销号", "count"),
                                   ("overdue", "逾期", "count"), ("overdue_days_max", "最长逾期天数", "count"),
                                   ("towns", "镇街", "text")], t)
    # a leader with nothing overdue has no longest overdue: shown as —, not a literal None
    st.dataframe(leader_table, hide_index=True, width="stretch", placeholder="—", key="leaders")
    shell.downloads(leader_table, f"包案隐患_{period.code}", "leaders")

st.header(t("逾期隐患清单"))
OVERDUE_COLUMNS = [("town_name", "镇街", "text"), ("unit_name", "责任主体", "text"),
                   ("category", "类别", "translate"), ("severity", "等级", "translate"),
                   ("overdue_days", "逾期天数", "count"), ("department", "责任部门", "text"),
                   ("escalation", "督办层级", "escalation"), ("leader", "包案领导", "text"),
                   ("deadline", "整改期限", "date"), ("hazard_id", "隐患编号", "text")]
total = int(district["backlog_overdue"])
shown = data.OVERDUE_ROWS
overdue_table = table(data.overdue_list(limit=shown), OVERDUE_COLUMNS, t)
if total > shown:
    # tens of thousands of rows help nobody on screen and cost seconds to send; the download has them all
    st.caption(t("截至日仍逾期 {total} 条，这里显示逾期最久的 {shown} 条；完整清单请下载。")
               .format(total=f"{total:,}", shown=f"{shown:,}"))
else:
    st.caption(t("截至日仍逾期的全部隐患，点击表头排序。"))
st.dataframe(overdue_table, hide_index=True, width="stretch", height=520, key="overdue-list")
everything, fixed_t = data.overdue_list_later(), i18n.fixed()
shell.downloads(lambda: table(everything(), OVERDUE_COLUMNS, fixed_t), "逾期隐患清单", "overdue")
