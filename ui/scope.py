"""Which part of a city's store the board shows: the whole city or one district (县市区).

The scope lives in the session ("scope") and in the URL (?scope=city or ?scope=<district_code>), as the
language does: a page load takes it from the URL, after that the session is the truth and the URL follows
it. An account limited to districts (ui.auth.scope()) is held to them whatever the URL asks: a district
outside them is refused with a message and its own district shown instead, never the other's figures.
"""

from __future__ import annotations

import streamlit as st

from render.format import md
from ui import auth
from ui.i18n import p, t

CITY = "city"   # the URL's word for the whole city
KEY = "scope"   # session: the scope asked for (CITY or a district code)


def allowed() -> frozenset[str] | None:
    """The districts the logged-in account may see (ui.auth.scope(): its district codes); None for the whole
    city (an account of the whole city, or an anonymous session of an open board)."""
    mine = auth.scope()
    return None if mine is None else frozenset(str(d) for d in mine)


def asked() -> str | None:
    """The scope asked for: the session's, else (on a page load) the URL's."""
    if KEY in st.session_state:
        return st.session_state[KEY]
    value = st.query_params.get(KEY)
    return value.strip() if isinstance(value, str) and value.strip() else None


def decide(listed: list[tuple[str, str]], wanted: str | None,
           permitted: frozenset[str] | None) -> tuple[str | None, str | None]:
    """(the district shown, None for the whole city; what was refused, as markdown in the viewer's language,
    or None).

    listed: the store's districts as (code, name); empty for a one-district store, which has no scope.
    wanted: CITY, a district code, or None (not asked). permitted: allowed()."""
    if not listed:
        # a store (or an earlier state of it) without a districts list cannot be cut by district: an account
        # limited to districts sees nothing rather than everything
        if permitted is None:
            return None, None
        return _NOWHERE, t("本看板（或所选批次时的状态）没有区县名单，无法只显示本账号的区县；请联系管理员")
    names = {c: md(n) for c, n in listed}
    mine = [c for c, _ in visible(listed, permitted)]
    if permitted is not None and not mine:
        return _NOWHERE, t("本账号的区县不在本看板的区县名单中，无法查看任何区县的数据；请联系管理员")
    fallback = None if permitted is None else mine[0]
    own = "、".join(names[c] for c in mine)
    if wanted in (None, "", CITY):
        if wanted == CITY and permitted is not None:
            return fallback, p(t("无权查看全市：本账号只能查看 {mine}，已显示 {shown}").format(
                mine=own, shown=names[fallback]))
        return fallback, None
    if wanted in mine:
        return wanted, None
    instead = t("已显示 {shown}").format(shown=names[fallback]) if fallback else t("已显示全市")
    if wanted in names:
        return fallback, p(t("无权查看该区县（{name}）：本账号只能查看 {mine}，{instead}").format(
            name=names[wanted], mine=own, instead=instead))
    return fallback, p(t("没有区县“{name}”（网址中的 scope 参数），{instead}").format(
        name=md(str(wanted)[:20]), instead=instead))


def visible(listed: list[tuple[str, str]], permitted: frozenset[str] | None) -> list[tuple[str, str]]:
    """The listed districts (code, name) an account may see: all, or those its scope names by code or name."""
    return [(c, n) for c, n in listed if permitted is None or c in permitted or n in permitted]


# a scoped account whose districts the store does not list sees an empty board, not the city's
_NOWHERE = "\x00none"


def nowhere(code: str | None) -> bool:
    """Whether the scope is the empty one of an account whose districts the store does not list."""
    return code == _NOWHERE


def keep(code: str | None) -> None:
    """Remember the scope shown (None: the whole city) in the session and the URL."""
    value = CITY if code is None else code
    st.session_state[KEY] = value
    if nowhere(code):
        st.query_params.pop(KEY, None)
    elif st.query_params.get(KEY) != value:
        st.query_params[KEY] = value


def forget() -> None:
    """A store without districts: no scope in the session or the URL."""
    st.session_state.pop(KEY, None)
    if KEY in st.query_params:
        del st.query_params[KEY]


def choose(code: str | None) -> None:
    """Show the whole city (None) or a district from now on (a chooser's or a drill-down's choice)."""
    st.session_state[KEY] = CITY if code is None else code
