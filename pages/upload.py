"""Placeholder until its issue lands (replaced by the page itself)."""

import streamlit as st

st.title("upload")
