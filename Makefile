# Two commands do all set-up on a fresh Debian machine with Python 3.11 (as root):
#   make run    — create the environment and serve the board (demo district until real data is uploaded)
#   make test   — create the environment, install Chromium, CJK fonts and Java 17 if missing, add pyspark, run every test
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test system bench

.venv/installed: requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# pyspark and sqlglot (python -m board build --engine spark, the parity test) in .venv/spark, beside the venv's
# packages, not among them: pandera imports pyspark.pandas whenever it can (a second on every process start);
# board/spark.py alone puts this folder on its path. `make run` never installs it.
.venv/spark/.installed: .venv/installed requirements-spark.txt
	.venv/bin/pip install --disable-pip-version-check -q --upgrade --target .venv/spark -r requirements-spark.txt
	touch $@

# Debian's Chromium for the browser tests, Noto CJK so Chinese renders, poppler for reading PDFs back,
# strace for the test that watches the served board never reach past 127.0.0.1.
system:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v pdftotext >/dev/null || ! command -v strace >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils strace >/dev/null; \
	fi
	@# Java 17 for Spark's local mode (the man folder: slim images lack it and the JRE's postinst needs it)
	@if ! command -v java >/dev/null; then \
		mkdir -p /usr/share/man/man1 && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

run: .venv/installed
	$(PY) -m board demo --if-missing
	$(PY) -m board serve

test: .venv/installed .venv/spark/.installed system
	$(PY) -m pytest -q -p no:cacheprovider

bench: .venv/installed
	$(PY) -m board bench --rows 1000000
