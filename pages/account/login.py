"""登录 / 账号: log in (an analyst to reach the analyst pages, a viewer to see a closed board); once in, who you
are, which districts you may see, and a way out."""

import streamlit as st

from board import auth as accounts
from ui import auth
from ui.i18n import p, t

name = auth.account()
if name:
    st.title(t("账号"))
    st.text(p(f"{t('已登录分析员') if auth.is_analyst() else t('已登录查看账号')}：{name}"))
    limited = accounts.scope(name)
    if limited:
        st.text(p(f"{t('只限区县')}：{'、'.join(sorted(limited))}"))
    if st.button(t("退出登录"), key="logout"):
        auth.logout()
        st.rerun()
else:
    closed = auth.login_required()
    st.title(t("登录") if closed else t("分析员登录"))
    broken = accounts.unreadable()
    if broken:  # the board stays closed and nobody logs in until the administrator mends the file
        st.error(broken)
    st.caption(t("本看板需要登录后查看。") if closed else
               t("查看看板无需登录；上传数据、回滚批次、修改指标需要分析员账号。"))
    with st.form("login"):
        user = st.text_input(t("用户名"), key="login_name")
        password = st.text_input(t("密码"), type="password", key="login_password")
        submitted = st.form_submit_button(t("登录"))
    if submitted:
        why = auth.login(user, password)
        if why:
            st.error(t(why) if why in ("用户名或密码不对",) else why)
        else:
            st.rerun()
