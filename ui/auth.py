"""Who is using this session: nobody (an anonymous visitor), a logged-in viewer or a logged-in analyst."""

from __future__ import annotations

import math

import streamlit as st

from board import auth

KEY = "analyst"  # ui/guard.py takes uploads only from a session holding this key: a viewer never gets it
VIEWER_KEY = "viewer"


def live(name: str | None, as_role: str) -> bool:
    """True when the users file still holds this account with this role (False when it cannot be read)."""
    try:
        return bool(name) and auth.role(name) == as_role
    except auth.UsersFileError:
        return False


def _checked() -> None:
    """Log out a session whose account is gone from the users file, or now has another role, or cannot be
    told because the file is unreadable: a deleted account keeps no session, least of all the whole city's."""
    for key, as_role in ((KEY, "analyst"), (VIEWER_KEY, "viewer")):
        name = st.session_state.get(key)
        if name and not live(name, as_role):
            logout()
            return


def user() -> str | None:
    """The logged-in analyst's name, or None (anonymous, or a viewer)."""
    _checked()
    return st.session_state.get(KEY)


def account() -> str | None:
    """The logged-in account's name, analyst or viewer; None for an anonymous session."""
    _checked()
    return st.session_state.get(KEY) or st.session_state.get(VIEWER_KEY)


def role() -> str | None:
    """"analyst", "viewer", or None for an anonymous session."""
    return "analyst" if user() else "viewer" if st.session_state.get(VIEWER_KEY) else None


def is_analyst() -> bool:
    return bool(user())


def login_required() -> bool:
    """True when the users file holds a viewer account: an office that hands out viewer accounts wants the
    board closed to everyone else."""
    return auth.has_viewers()


def may_view() -> bool:
    """True when this session may see the board."""
    return account() is not None or not login_required()


def scope() -> frozenset[str] | None:
    """The district codes the logged-in account is limited to; None: every district (an account of the whole
    city, or an anonymous session of an open board). An account limited to districts the shown store does not
    list sees no district at all."""
    name = account()
    if name is None:
        return None  # anonymous: only an open board lets it in (app.py), and an open board is the city's
    written = auth.scope(name)
    if written is None:
        return None
    from ui import data  # the store shown, its districts cached per version

    return auth.resolve_scope(written, data.store_query("district_lookup"))


def login(name: str, password: str) -> str | None:
    """Log the session in; None on success, else why not (in Chinese, the same for a wrong name or password)."""
    name = (name or "").strip()
    broken = auth.unreadable()
    if broken:
        return broken
    key = auth.throttle_key(name, client())
    wait = auth.THROTTLE.retry_after(key)
    if wait > 0:
        return f"失败次数过多，请 {math.ceil(wait)} 秒后再试"
    if not auth.verify(name, password, client=client()):
        wait = auth.THROTTLE.retry_after(key)
        return "用户名或密码不对" + (f"；请 {math.ceil(wait)} 秒后再试" if wait > 0 else "")
    key = KEY if auth.role(name) == "analyst" else VIEWER_KEY
    st.session_state.pop(VIEWER_KEY if key == KEY else KEY, None)  # one account per session
    st.session_state[key] = name
    return None


def client() -> str | None:
    """The browser's address as the server sees it (behind a proxy: the proxy's, unless it forwards it)."""
    try:
        ip = st.context.ip_address
    except Exception:  # outside a running app there is no client
        return None
    return ip if isinstance(ip, str) else None  # AppTest hands out a stand-in object


def logout() -> None:
    for k in (KEY, VIEWER_KEY, "as_of_seq"):
        st.session_state.pop(k, None)


def page(title: str) -> str:
    """The analyst page preamble: the analyst's name, after the page title; a session without an analyst's
    login sees nothing (app.py routes only analysts here, but a stray session must stop before any widget)."""
    from ui.i18n import t

    name = user()
    if not name:
        st.stop()
    st.title(t(title))
    return name
