import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_other_apps_never_import_the_demo():
    """The demo depends on articles, authors, comments and newsroom, never the reverse."""
    importing = re.compile(r"^\s*(from\s+demo[\s.]|import\s+demo\b)", re.MULTILINE)
    for app in ("articles", "authors", "comments", "newsroom"):
        for path in (ROOT / app).rglob("*.py"):
            assert not importing.search(path.read_text()), path
