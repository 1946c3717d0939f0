"""The house plan holds: imports run one way (pages → ui → render → board core), no page sits where
Streamlit's legacy router would serve it, every SQL view and macro declares what it reads, and the
board's words are spelled once."""

import ast
import re
from pathlib import Path

import pytest

from board import db, vocab
from board.schema import DATASETS
from conftest import ROOT

DRAWING_LIBRARIES = {"streamlit", "plotly", "pydeck", "fpdf", "kaleido"}
# board/cli.py and board/__main__.py are the command line: a front end like the pages, which reaches the
# notice (render.report) and the tooling (tools.bench, tools.demo_store) by name. The rest is the core.
CORE_FRONT_ENDS = {"cli.py", "__main__.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (function-level imports included)."""
    tree = ast.parse(path.read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", [p for p in python_files("board") if p.name not in CORE_FRONT_ENDS],
                         ids=lambda p: p.name)
def test_the_core_computes_and_draws_nothing(path):
    roots = top(imported_modules(path))
    assert not roots & DRAWING_LIBRARIES, f"{path.name} imports {roots & DRAWING_LIBRARIES}"
    assert not roots & {"render", "ui", "pages", "tools"}, f"{path.name} imports {roots & {'render', 'ui', 'pages', 'tools'}}"


@pytest.mark.parametrize("path", python_files("render"), ids=lambda p: p.name)
def test_drawing_does_not_import_streamlit_or_the_ui(path):
    roots = top(imported_modules(path))
    assert not roots & {"streamlit", "ui", "pages", "tools"}, f"{path.name} imports {roots}"


@pytest.mark.parametrize("path", python_files("ui"), ids=lambda p: p.name)
def test_the_seam_does_not_import_pages(path):
    assert "pages" not in top(imported_modules(path))


@pytest.mark.parametrize("path", python_files("pages"), ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_file_paths(path):
    text = path.read_text("utf-8")
    assert not re.search(r"\b(select|insert|update)\b.+\bfrom\b", text, re.I | re.S) or "st.selectbox" in text
    assert "db.run" not in text and "duckdb" not in text and "open(" not in text


def test_no_python_file_directly_under_pages():
    # Streamlit's legacy router serves every pages/*.py to anyone until the first st.navigation call
    loose = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert loose == [], f"move {loose} into pages/<audience>/"


def test_every_page_is_grouped_by_audience():
    audiences = sorted(p.name for p in (ROOT / "pages").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert audiences == ["account", "analysts", "leaders", "screen"]
    routed = set(re.findall(r'(\w+) / "(\w+\.py)"', (ROOT / "app.py").read_text("utf-8")))
    files = {p.relative_to(ROOT / "pages") for p in (ROOT / "pages").glob("*/*.py")}
    assert len(files) == 15  # the city's overview and league of districts (issue 15) beside the towns'
    # every page file is routed by app.py (leaders / "overview.py" … or PAGES / "screen" / "meeting.py")
    named = {name for _, name in routed} | set(re.findall(r'"(\w+\.py)"', (ROOT / "app.py").read_text("utf-8")))
    assert {f.name for f in files} <= named


def test_every_view_and_macro_says_what_it_reads_and_reads_what_it_says():
    names = {name for name, _, _ in db.objects()}
    sources = names | {f"raw_{d}" for d in DATASETS} | {"vocabulary"}
    for name, layer, reads in db.objects():
        body = re.sub(r"--[^\n]*", "", db.sql(name))
        parameters = re.search(r"macro \w+\(([^)]*)\)", body)  # a macro's own parameter names are not sources
        own = set(re.findall(r"\w+", parameters.group(1))) if parameters else set()
        used = {w for w in re.findall(r"\b([a-z_]+)\b", body) if w in sources and w != name and w not in own}
        assert set(reads) == used, f"queries/{layer}/{name}.sql reads {sorted(used)}, declares {sorted(reads)}"


def test_views_come_after_what_they_read():
    seen = {f"raw_{d}" for d in DATASETS} | {"vocabulary"}
    for name, _, reads in db.objects():
        assert set(reads) <= seen, f"{name} comes before {set(reads) - seen}"
        seen.add(name)


def test_staging_only_renames_and_casts():
    for f in sorted((ROOT / "queries" / "staging").glob("*.sql")):
        body = re.sub(r"--[^\n]*", "", f.read_text("utf-8")).lower()
        assert f.stem.startswith("stg_")
        assert not re.search(r"\b(join|group by|qualify|where|window)\b", body), f.name


def test_page_queries_sit_above_the_layers():
    layered = {name for name, _, _ in db.objects()}
    pages = {f.stem for f in (ROOT / "queries").glob("*.sql")}
    assert pages and not pages & layered


WORDS = {  # a word of board/vocab.py, as a quoted literal, may appear only there
    "tier": [f'"{v}"' for v in vocab.TIERS.values()],
    "status": [f'"{s}"' for s in vocab.STATUSES] + [f"'{s}'" for s in vocab.STATUSES],
    "escalation": ['"提醒"', '"警示"', '"执法"'],
    "ageing": [f'"{n}"' for n in vocab.AGE_BUCKET_NAMES] + [f"'{n}'" for n in vocab.AGE_BUCKET_NAMES],
}


@pytest.mark.parametrize("kind", sorted(WORDS))
def test_the_vocabulary_is_spelled_once(kind):
    # A file that spells every word of a kind holds a copy of that vocabulary (a status colour table, a tier
    # dictionary); single words as column labels (已销号 over the count of closed hazards) are fine. The
    # translations (ui/i18n.py) and the demo's generated exports say them as data; everything else imports
    # board/vocab.py, and the SQL reads the vocabulary table.
    allowed = {ROOT / "board" / "vocab.py", ROOT / "ui" / "i18n.py", ROOT / "tools" / "demo.py"}
    offenders = []
    for path in [*python_files("board"), *python_files("render"), *python_files("ui"), *python_files("pages"),
                 *python_files("tools"), *sorted((ROOT / "queries").rglob("*.sql"))]:
        if path in allowed:
            continue
        code = "\n".join(re.sub(r"(#|--).*", "", ln) for ln in path.read_text("utf-8").splitlines())
        spelled = {w.strip("'\"") for w in WORDS[kind] if re.search(rf"[\[{{(,=:]\s*{re.escape(w)}\s*[:,)\]}}]", code)}
        if len(spelled) == len({w.strip("'\"") for w in WORDS[kind]}):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
