"""平安晾晒台 core: store, ingest, metrics and CLI (no Streamlit outside data.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
