"""The Streamlit seam beside the pages: cached data access (data), the frame (shell), i18n, login state."""
