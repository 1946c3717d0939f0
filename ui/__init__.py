"""Shared Streamlit frame and widgets for the pages (layout only; data comes from board.data)."""
