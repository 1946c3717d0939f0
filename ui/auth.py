"""Who is using this session: a viewer (no login) or a logged-in analyst."""

from __future__ import annotations

import math

import streamlit as st

from board import auth

KEY = "analyst"


def user() -> str | None:
    """The logged-in analyst's name, or None for a viewer."""
    return st.session_state.get(KEY)


def is_analyst() -> bool:
    return bool(user())


def login(name: str, password: str) -> str | None:
    """Log the session in; None on success, else why not (in Chinese, the same for a wrong name or password)."""
    name = (name or "").strip()
    key = auth.throttle_key(name, client())
    wait = auth.THROTTLE.retry_after(key)
    if wait > 0:
        return f"失败次数过多，请 {math.ceil(wait)} 秒后再试"
    if not auth.verify(name, password, client=client()):
        wait = auth.THROTTLE.retry_after(key)
        return "用户名或密码不对" + (f"；请 {math.ceil(wait)} 秒后再试" if wait > 0 else "")
    st.session_state[KEY] = name
    return None


def client() -> str | None:
    """The browser's address as the server sees it (behind a proxy: the proxy's, unless it forwards it)."""
    try:
        ip = st.context.ip_address
    except Exception:  # outside a running app there is no client
        return None
    return ip if isinstance(ip, str) else None  # AppTest hands out a stand-in object


def logout() -> None:
    for k in (KEY, "as_of_seq"):
        st.session_state.pop(k, None)


def page(title: str) -> str:
    """The analyst page preamble: the analyst's name, after the page title; a session without a login sees
    nothing (app.py routes only analysts here, but a stray session must stop before any widget)."""
    from ui.i18n import t

    name = user()
    if not name:
        st.stop()
    st.title(t(title))
    return name
