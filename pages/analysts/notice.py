"""晾晒通报: the analyst picks a month and downloads the numbered notice (PDF / XLSX) and the meeting pack."""

import streamlit as st

from render import format as fmt, meeting_charts as mc, report
from render.format import table
from ui import auth, data, shell
from ui.i18n import p, t

auth.page("晾晒通报")
kind = st.radio(t("通报周期"), ["month", "week"], horizontal=True, key="notice_kind",
                format_func=lambda k: t({"month": "月度通报", "week": "每周晾晒"}[k]))
choices = data.periods(kind)
if not choices:
    st.info(t("暂无数据"))
    st.stop()

label = shell.label
period = st.selectbox(t("统计期"), choices, format_func=label, key=f"notice_period_{kind}")
notice = report.build(data.connection(), period, data.definitions(), data.as_of(), is_demo=data.is_demo(),
                      boundaries=mc.boundaries(data.state()))

st.subheader(t("平安晾晒通报 第{number}期").format(number=notice.number))
bits = [f"{t('统计期')}：{label(period)}", f"{t('截至')} {notice.as_of:%Y-%m-%d}"]
if notice.is_demo:
    bits.append(f"**:orange-background[{t('示例数据')}]**")
st.markdown(p(" · ".join(bits)))
st.write(report.summary_text(notice, t, label(period), data.comparison_note(period)))

a, b, c, d = st.columns(4)
a.metric(t("本期晾晒问题"), fmt.count(len(notice.aired)))
b.metric(t("逾期问题"), fmt.count(len(notice.overdue)))
c.metric(t("督办升级提示"), fmt.count(len(notice.escalations)))
d.metric(t("红色镇街"), fmt.count(int((notice.towns["tier"] == "red").sum())))

# the notice itself is the office's Chinese document, whatever the screen's language
stem = f"晾晒通报第{notice.number}期_{period.code}{'_示例数据' if notice.is_demo else ''}"
# the files are made when a button is clicked (on Streamlit's download thread), not on every rerun
with st.container(horizontal=True):
    st.download_button(t("下载通报 PDF"), lambda: report.notice_pdf(notice), file_name=f"{stem}.pdf",
                       mime="application/pdf", type="primary", on_click="ignore")
    st.download_button(t("下载通报 Excel"), lambda: report.notice_xlsx(notice), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    st.download_button(t("下载会议材料 PDF"), lambda: report.pack_pdf(notice), file_name=f"{stem}_会议材料.pdf",
                       mime="application/pdf", on_click="ignore")
st.caption(t("会议材料按会议模式的顺序，每页一屏：概况、排名、三色分布、整改进度、每个红色镇街一页（生成约需二十秒）。"))

st.subheader(t("镇街排名"))
st.dataframe(table(notice.towns, [
    ("rank", "排名", "count"), ("rank_change", "较上期", "change"), ("town_name", "镇街", "text"),
    ("score", "平安指数", "number"), ("tier", "三色", "tier"), ("found", "发现隐患", "count"),
    ("rectification_rate", "整改率", "rate"), ("closure_rate", "销号率", "rate"),
    ("on_time_rate", "按期整改率", "rate"), ("overdue", "逾期", "count"), ("backlog_overdue", "累计逾期", "count"),
], t), hide_index=True)
st.subheader(t("督办升级提示（{n} 个）").format(n=len(notice.escalations)))
st.dataframe(table(notice.escalations, [
    ("town_name", "镇街", "text"), ("hazard_id", "隐患编号", "text"), ("unit_name", "责任主体", "text"),
    ("deadline", "整改期限", "date"), ("overdue_days", "逾期天数", "count"), ("escalation", "当前层级", "escalation"),
    ("suggested", "建议层级", "escalation"), ("department", "责任部门", "text"), ("leader", "包案领导", "text"),
], t), hide_index=True)
