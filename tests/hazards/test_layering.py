"""hazards sits above review and below demo: it may import portal, submissions, scoring and review, and
none of them imports it (submissions reaches it only through its entry_submitted signal)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LOWER = ("portal", "submissions", "scoring", "review")


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_layering_no_lower_app_imports_hazards():
    found = {(str(path.relative_to(ROOT)), name) for app in LOWER for path in (ROOT / app).rglob("*.py")
             if "migrations" not in path.parts for name in imports(path)
             if name == "hazards" or name.startswith("hazards.")}
    assert found == set()


def test_layering_hazards_imports_no_demo():
    found = {(str(path.relative_to(ROOT)), name) for path in (ROOT / "hazards").rglob("*.py")
             for name in imports(path) if name == "demo" or name.startswith("demo.")}
    assert found == set()
