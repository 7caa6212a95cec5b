"""Imports only go downwards: portal < submissions < scoring < review < review.experts / review.exhibition /
review.reports < hazards < tips < returns < ankang < demo (issue 13.6). Read from the source with ast, function-level imports included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_REVIEW_APPS = ("review.experts", "review.exhibition", "review.reports")
LOWER_TO_HIGHER = ("portal", "submissions", "scoring", "review")

# Climbs still waiting for their fix, each with where it goes: remove a line when its climb is gone.
KNOWN_CLIMBS: set[tuple[str, str]] = set()


def layer(module: str) -> int | None:
    if module == "demo" or module.startswith("demo."):
        return len(LOWER_TO_HIGHER) + 5
    if module == "ankang" or module.startswith("ankang."):
        return len(LOWER_TO_HIGHER) + 4
    if module == "returns" or module.startswith("returns."):
        return len(LOWER_TO_HIGHER) + 3
    if module == "tips" or module.startswith("tips."):
        return len(LOWER_TO_HIGHER) + 2
    if module == "hazards" or module.startswith("hazards."):
        return len(LOWER_TO_HIGHER) + 1
    if module.startswith(TOP_REVIEW_APPS):
        return len(LOWER_TO_HIGHER)
    for rank, app in enumerate(LOWER_TO_HIGHER):
        if module == app or module.startswith(app + "."):
            return rank
    return None


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def climbs() -> set[tuple[str, str]]:
    found = set()
    for app in (*LOWER_TO_HIGHER, "hazards", "tips", "returns", "ankang", "demo"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            own = layer(module)
            for imported in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                target = layer(imported)
                if target is not None and target > own:
                    found.add((module, imported))
    return found


def test_layering_imports_only_go_downwards():
    assert climbs() - KNOWN_CLIMBS == set()


def test_layering_portal_imports_no_product_app():
    assert {(module, imported) for module, imported in climbs() if layer(module) == 0} == set()
