"""分析员登录 / 账号: log in to reach the analyst pages; once in, who you are and a way out."""

import streamlit as st

from ui import auth
from ui.i18n import p, t

if auth.is_analyst():
    st.title(t("账号"))
    st.text(p(f"{t('已登录分析员')}：{auth.user()}"))
    if st.button(t("退出登录"), key="logout"):
        auth.logout()
        st.rerun()
else:
    st.title(t("分析员登录"))
    st.caption(t("查看看板无需登录；上传数据、回滚批次、修改指标需要分析员账号。"))
    with st.form("login"):
        name = st.text_input(t("用户名"), key="login_name")
        password = st.text_input(t("密码"), type="password", key="login_password")
        submitted = st.form_submit_button(t("登录"))
    if submitted:
        why = auth.login(name, password)
        if why:
            st.error(t(why) if why in ("用户名或密码不对",) else why)
        else:
            st.rerun()
