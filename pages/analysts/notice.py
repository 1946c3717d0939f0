"""晾晒通报: the analyst picks a month and downloads the numbered notice (PDF / XLSX) and the meeting pack."""

import streamlit as st

from render import format as fmt, meeting_charts as mc, report
from ui import auth, data
from ui.i18n import t

auth.page("晾晒通报")
kind = st.radio(t("通报周期"), ["month", "week"], horizontal=True, key="notice_kind",
                format_func=lambda k: t({"month": "月度通报", "week": "每周晾晒"}[k]))
choices = data.periods(kind)
if not choices:
    st.info(t("暂无数据"))
    st.stop()

period = st.selectbox(t("统计期"), choices, format_func=lambda p: p.label, key=f"notice_period_{kind}")
notice = report.build(data.connection(), period, data.definitions(), data.as_of(), is_demo=data.is_demo(),
                      boundaries=mc.boundaries(data.state()))

st.subheader(notice.title)
bits = [f"{t('统计期')}：{period.label}", f"{t('截至')} {notice.as_of:%Y-%m-%d}"]
if notice.is_demo:
    bits.append(f"**:orange-background[{t('示例数据')}]**")
st.markdown(" · ".join(bits))
st.write(report.summary_text(notice))

a, b, c, d = st.columns(4)
a.metric("本期晾晒问题", fmt.count(len(notice.aired)))
b.metric("逾期问题", fmt.count(len(notice.overdue)))
c.metric("督办升级提示", fmt.count(len(notice.escalations)))
d.metric("红色镇街", fmt.count(int((notice.towns["tier"] == "red").sum())))

stem = f"晾晒通报第{notice.number}期_{period.code}{'_示例数据' if notice.is_demo else ''}"
# the files are made when a button is clicked (on Streamlit's download thread), not on every rerun
with st.container(horizontal=True):
    st.download_button("下载通报 PDF", lambda: report.notice_pdf(notice), file_name=f"{stem}.pdf",
                       mime="application/pdf", type="primary", on_click="ignore")
    st.download_button("下载通报 Excel", lambda: report.notice_xlsx(notice), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    st.download_button("下载会议材料 PDF", lambda: report.pack_pdf(notice), file_name=f"{stem}_会议材料.pdf",
                       mime="application/pdf", on_click="ignore")
st.caption("会议材料按会议模式的顺序，每页一屏：概况、排名、三色分布、整改进度、每个红色镇街一页（生成约需二十秒）。")

st.subheader("镇街排名")
league = report.league_rows(notice)
for col in report.RATE_COLUMNS:
    league[col] = league[col].map(fmt.rate)
st.dataframe(league, hide_index=True)
st.subheader(f"督办升级提示（{len(notice.escalations)} 个）")
st.dataframe(report.escalation_rows(notice), hide_index=True)
