"""The driver for spark-submit: `spark-submit [cluster options] tools/spark_submit.py --store DIR --store-url URL
--out URL` runs `python -m board build --engine spark` with the master and resources spark-submit gives."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # spark-submit runs a file, not a module

from board.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", "--engine", "spark", *sys.argv[1:]]))
