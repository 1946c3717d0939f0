"""What Streamlit offers no option for (DESIGN §5, issue 13): nothing leaves the machine, and a client that
is not a logged-in analyst cannot spend the server.

- Streamlit's origin check and start-up banner look up the machine's external address
  (checkip.amazonaws.com) and its LAN address (a UDP socket towards 8.8.8.8). Here both answer "unknown"
  without touching the network; a browser on the board's own address is same-origin and never asks.
- /_stcore/upload_file/<session>/<id> takes a file only for a session whose analyst is logged in; any
  other PUT is refused before its body is read. A session's files are dropped as soon as it disconnects.
- A clear_cache message from a viewer's session is ignored: Streamlit's caches are global, so one client
  would empty every viewer's.
- /_stcore/metrics reports nothing (it named internal functions to anyone).

`install()` patches Streamlit's classes once per process. `python -m board serve` calls it before the
server starts; app.py calls it on its first run, which covers a plain `streamlit run app.py` from the
moment the first page is opened (use `python -m board serve` to be covered from the first request).
"""

from __future__ import annotations

import threading

from ui.auth import KEY as ANALYST_KEY, live

_installed = False
_lock = threading.Lock()


def install() -> None:
    """Patch Streamlit once in this process (safe to call on every run)."""
    global _installed
    with _lock:
        if _installed:
            return
        _offline()
        _uploads()
        _clear_cache()
        _metrics()
        _installed = True


def _offline() -> None:
    from streamlit import net_util

    net_util.get_external_ip = lambda: None
    net_util.get_internal_ip = lambda: None


def is_analyst_session(runtime, session_id: str) -> bool:
    """True when this session of the running server has a logged-in analyst."""
    info = runtime._session_mgr.get_active_session_info(session_id)
    if info is None:
        return False
    try:
        name = info.session.session_state[ANALYST_KEY]
    except (KeyError, AttributeError):
        return False
    return live(name, "analyst")  # a deleted account's open page uploads nothing


def _uploads() -> None:
    from streamlit.runtime.runtime import Runtime

    active = Runtime.is_active_session
    disconnect = Runtime.disconnect_session

    def may_upload(self, session_id: str) -> bool:
        # the upload route's first question, asked before it reads the body: only an analyst's session
        return active(self, session_id) and is_analyst_session(self, session_id)

    def disconnect_and_drop_files(self, session_id: str, *, client=None) -> None:
        disconnect(self, session_id, client=client)
        if not active(self, session_id) and self._uploaded_file_mgr is not None:
            self._uploaded_file_mgr.remove_session_files(session_id)

    Runtime.is_active_session = may_upload
    Runtime.disconnect_session = disconnect_and_drop_files


def _clear_cache() -> None:
    from streamlit.runtime.app_session import AppSession

    clear = AppSession._handle_clear_cache_request

    def analysts_only(self) -> None:
        try:
            allowed = bool(self.session_state[ANALYST_KEY])
        except (KeyError, AttributeError):
            allowed = False
        if allowed:
            clear(self)

    AppSession._handle_clear_cache_request = analysts_only


def _metrics() -> None:
    from streamlit.runtime.stats import StatsManager

    StatsManager.get_stats = lambda self, family_names=None: {}
    StatsManager.registered_families = lambda self: []
