# Two commands do all set-up on a fresh Debian machine with Python 3.11 (as root):
#   make run    — create the environment and serve the board (demo district until real data is uploaded)
#   make test   — create the environment, install Chromium and CJK fonts if missing, run every test
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test system bench

.venv/installed: requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# Debian's Chromium for the browser tests, Noto CJK so Chinese renders, poppler for reading PDFs back,
# strace for the test that watches the served board never reach past 127.0.0.1.
system:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v pdftotext >/dev/null || ! command -v strace >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils strace >/dev/null; \
	fi

run: .venv/installed
	$(PY) -m board demo --if-missing
	$(PY) -m board serve

test: .venv/installed system
	$(PY) -m pytest -q -p no:cacheprovider

bench: .venv/installed
	$(PY) -m board bench --rows 1000000
