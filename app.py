"""平安晾晒台: the router and the frame. Pages live in pages/<audience>/, their figures come through ui.data."""

import streamlit as st

from board import ROOT
from ui import asof, auth, data, guard, shell
from ui.i18n import follow_url, t

guard.install()  # nothing leaves the machine; only analysts upload (a no-op after the first run)

PAGES = ROOT / "pages"

st.set_page_config(page_title="平安晾晒台", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")

if not auth.may_view():
    # an office that hands out viewer accounts closes the board: an anonymous session sees the login page only,
    # whatever page or mode its URL asks for
    shell.language()
    st.navigation([st.Page(PAGES / "account" / "login.py", title=t("登录"), url_path="login", default=True)],
                  position="hidden").run()
elif st.query_params.get("mode") == "meeting":
    # the meeting-room screen: no navigation, no sidebar, one rotating page
    follow_url()
    st.navigation([st.Page(PAGES / "screen" / "meeting.py", title=t("会议模式"), url_path="meeting", default=True)],
                  position="hidden").run()
else:
    shell.frame()
    asof.banner()
    leaders = PAGES / "leaders"
    # a city's whole board ranks districts; one district's (and a one-district store's) ranks towns, on the
    # same addresses, so that choosing a scope keeps the viewer on the page they were on
    city = data.is_city()
    viewer = [
        st.Page(leaders / ("city_overview.py" if city else "overview.py"), title=t("总览"), url_path="overview",
                default=True),
        st.Page(leaders / ("city_league.py" if city else "league.py"), title=t("区县排名") if city else t("镇街排名"),
                url_path="league"),
        st.Page(leaders / "hazard_map.py", title=t("隐患地图"), url_path="map"),
        st.Page(leaders / "progress.py", title=t("整改进度"), url_path="progress"),
        st.Page(leaders / "town.py", title=t("镇街详情"), url_path="town"),
        st.Page(leaders / "grids.py", title=t("网格"), url_path="grids"),
    ]
    # analyst pages do not exist in a viewer's navigation (anonymous or a viewer account), so their URLs lead nowhere
    analysts = PAGES / "analysts"
    analyst = [
        st.Page(analysts / "upload.py", title=t("数据上传"), url_path="upload"),
        st.Page(analysts / "batches.py", title=t("批次记录"), url_path="batches"),
        # the definitions and the boundaries are the whole store's: only an analyst of the whole city edits them
        *([st.Page(analysts / "definitions.py", title=t("指标设置"), url_path="definitions"),
           st.Page(analysts / "boundaries.py", title=t("镇街边界"), url_path="boundaries")]
          if auth.scope() is None else []),
        st.Page(analysts / "notice.py", title=t("晾晒通报"), url_path="notice"),
    ] if auth.is_analyst() else []
    account = [st.Page(PAGES / "account" / "login.py", title=t("账号") if auth.account() else t("分析员登录"),
                       url_path="login")]
    st.navigation({t("晾晒"): viewer, **({t("分析"): analyst} if analyst else {}), "": account}).run()
