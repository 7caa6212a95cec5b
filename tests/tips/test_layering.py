"""tips sits above hazards and below demo: it may import hazards and everything below; nothing below
imports it (the ledger shows a tip's hazard as "举报人（已保密）" by its source alone)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LOWER = ("portal", "submissions", "scoring", "review", "hazards")


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_layering_no_lower_app_imports_tips():
    found = {(str(path.relative_to(ROOT)), name) for app in LOWER for path in (ROOT / app).rglob("*.py")
             if "migrations" not in path.parts for name in imports(path)
             if name == "tips" or name.startswith("tips.")}
    assert found == set()


def test_layering_tips_imports_no_demo():
    found = {(str(path.relative_to(ROOT)), name) for path in (ROOT / "tips").rglob("*.py")
             for name in imports(path) if name == "demo" or name.startswith("demo.")}
    assert found == set()
