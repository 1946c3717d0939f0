"""晾晒通报: the analyst picks a period and downloads the numbered notice (PDF / XLSX) and the meeting pack.

The notice follows the scope (ui.scope): a city's whole board gives the city's notice (its districts ranked,
their 红黑榜, each district's red towns, the city's overdue list; render/city_report.py), a district of it
that district's notice, a one-district store today's. An analyst limited to districts never sees the city's.
"""

import streamlit as st

from render import city_report, format as fmt, report
from render.format import table
from ui import auth, data, shell
from ui.i18n import p, t

auth.page("晾晒通报")
shell.scope_bar()   # a city's store: 全市 or a district, as the account may see; nothing otherwise
kind = st.radio(t("通报周期"), ["month", "week"], horizontal=True, key="notice_kind",
                format_func=lambda k: t({"month": "月度通报", "week": "每周晾晒"}[k]))
choices = data.periods(kind)
if not choices:
    st.info(t("暂无数据"))
    st.stop()

label = shell.label
period = st.selectbox(t("统计期"), choices, format_func=label, key=f"notice_period_{kind}")


def _heading(title: str, as_of, is_demo: bool) -> None:
    st.subheader(title)
    bits = [f"{t('统计期')}：{label(period)}", f"{t('截至')} {as_of:%Y-%m-%d}"]
    if is_demo:
        bits.append(f"**:orange-background[{t('示例数据')}]**")
    st.markdown(p(" · ".join(bits)))


if data.is_city():
    notice = data.city_notice(period)
    _heading(t("全市平安晾晒通报 第{number}期").format(number=notice.number), notice.as_of, notice.is_demo)
    st.write(city_report.summary_text(notice, t, label(period), data.comparison_note(period)))
    ranked = notice.districts[notice.districts["district_code"].notna()]
    a, b, c, d = st.columns(4)
    a.metric(t("区县"), fmt.count(len(ranked)))
    b.metric(t("红色区县"), fmt.count(int((ranked["tier"] == "red").sum())))
    c.metric(t("各区县红色镇街"), fmt.count(len(notice.red_towns)))
    d.metric(t("全市逾期问题"), fmt.count(len(notice.overdue)))
    # the notice itself is the office's Chinese document, whatever the screen's language
    stem = f"全市晾晒通报第{notice.number}期_{period.code}{'_示例数据' if notice.is_demo else ''}"
    with st.container(horizontal=True):
        st.download_button(t("下载全市通报 PDF"), lambda: city_report.notice_pdf(notice), file_name=f"{stem}.pdf",
                           mime="application/pdf", type="primary", on_click="ignore")
        st.download_button(t("下载全市通报 Excel"), lambda: city_report.notice_xlsx(notice),
                           file_name=f"{stem}.xlsx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption(t("全市通报列出各区县排名与红黑榜、各区县的红色镇街（按各区县自己的排名）和全市逾期问题清单；"
                 "某一区县的通报与会议材料，请在上方选择该区县。"))

    st.subheader(t("区县排名"))
    st.dataframe(table(ranked, [
        ("rank", "排名", "count"), ("rank_change", "较上期", "change"), ("district_name", "区县", "text"),
        ("score", "平安指数", "number"), ("tier", "三色", "tier"), ("towns", "镇街数", "count"),
        ("found", "发现隐患", "count"), ("rectification_rate", "整改率", "rate"),
        ("closure_rate", "销号率", "rate"), ("on_time_rate", "按期整改率", "rate"), ("overdue", "逾期", "count"),
        ("backlog_overdue", "累计逾期", "count"),
    ], t), hide_index=True)
    st.subheader(t("各区县红色镇街（{n} 个）").format(n=len(notice.red_towns)))
    if len(notice.red_towns):
        st.dataframe(table(notice.red_towns, [
            ("district_name", "区县", "text"), ("rank", "区县内排名", "count"), ("town_name", "镇街", "text"),
            ("score", "平安指数", "number"), ("rank_change", "较上期", "change"), ("overdue", "逾期", "count"),
            ("backlog_overdue", "累计逾期", "count"),
        ], t), hide_index=True)
    else:
        st.caption(t("本期没有红色镇街"))
    st.stop()

# a district of a city's store (data.connection() is scoped to it) or a one-district store
notice = report.build(data.connection(), period, data.definitions(), data.as_of(), is_demo=data.is_demo(),
                      boundaries=data.boundaries())
where = data.scope_name()
title = t("平安晾晒通报 第{number}期").format(number=notice.number)
_heading(f"{fmt.md(where)} · {title}" if where else title, notice.as_of, notice.is_demo)
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
