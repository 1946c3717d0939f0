"""Who is using this session: a viewer (no login) or a logged-in analyst."""

import streamlit as st


def user() -> str | None:
    """The logged-in analyst's name, or None for a viewer."""
    return st.session_state.get("analyst")


def is_analyst() -> bool:
    return bool(user())
