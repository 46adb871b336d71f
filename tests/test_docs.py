"""The docs a stranger reads first: every variable the code reads is in README's settings tables, and no doc leans on
this project's internal tracker or on the paths of one machine."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ["config", "core", "actors", "systems", "deals", "sources", "stats", "changes", "explorer", "bench"]
# env("X"), env.bool("X", ...), os.environ.get("X"), os.environ["X"], os.getenv("X")
PYTHON_READS = re.compile(
    r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']|os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
# Make's own variables and the shell's: $(VENV), $${DEBUG:-true}, $$PRODUCTION.
MAKE_READS = re.compile(r"\$\(([A-Z][A-Z0-9_]+)\)|\$\$\{?([A-Z][A-Z0-9_]+)")
MAKE_INTERNAL = {"BIN", "SERVE_STAMP", "DEV_STAMP", "MAKE"}
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def variables_read() -> dict[str, str]:
    found = {}
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                continue  # a virtualenv or cache of its own (the bench's Datasette), not our code
            for match in PYTHON_READS.finditer(path.read_text(encoding="utf-8")):
                found.setdefault(next(filter(None, match.groups())), str(path.relative_to(ROOT)))
    for match in MAKE_READS.finditer((ROOT / "Makefile").read_text(encoding="utf-8")):
        name = next(filter(None, match.groups()))
        if name not in MAKE_INTERNAL:
            found.setdefault(name, "Makefile")
    return found


def test_the_scan_finds_what_it_looks_for():
    """Else the next test could pass on a scan that finds nothing."""
    found = variables_read()
    assert {"DATABASE_URL", "PRODUCTION", "WEB_CONCURRENCY", "BIND_HOST", "BENCH_COUNT", "VENV", "PORT"} <= set(found)


def test_readme_documents_every_variable_the_code_reads():
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    documented = {name for row in rows for name in re.findall(r"^\|\s*`([A-Z][A-Z0-9_]+)`", row)}
    missing = {name: where for name, where in variables_read().items() if name not in documented}
    assert not missing, f"add a row to README's settings tables for each of {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_docs_name_no_tracker_issue_or_machine_path(doc):
    text = doc.read_text(encoding="utf-8")
    for pattern in [
        r"\bissues?\s+#?\d+",
        r"\bissue's\b",
        r"(?<![\w/])#\d+\b",
        r"/work/",
        r"\.\./shared",
        r"\bdg_helper\b",
    ]:
        found = re.search(pattern, text, re.IGNORECASE)
        assert not found, f"{doc.name}: {found.group(0)!r} in …{text[max(found.start() - 60, 0) : found.end() + 60]}…"
