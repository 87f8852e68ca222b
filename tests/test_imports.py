"""The package's shape: recsys/ never imports Streamlit, and its modules import one another one way only."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

RECSYS = Path(__file__).resolve().parent.parent / "recsys"


def module_name(path: Path) -> str:
    parts = path.relative_to(RECSYS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function alike."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in RECSYS.rglob("*.py")}
    return {name: {other for other in imported(path) if other in modules and other not in (name, "recsys")}
            for name, path in modules.items()}


def test_no_module_of_recsys_imports_streamlit():
    users = [path.name for path in RECSYS.rglob("*.py") if any(name.split(".")[0] == "streamlit" for name in imported(path))]
    assert users == []


def test_recsys_has_no_import_cycle():
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as cycle:
        raise AssertionError(f"import cycle: {' → '.join(cycle.args[1])}") from None


def test_training_does_not_depend_on_evaluation():
    graph, reached, todo = import_graph(), set(), ["recsys.train"]
    while todo:
        for other in graph[todo.pop()] - reached:
            reached.add(other)
            todo.append(other)
    assert not {name for name in reached if name.startswith("recsys.evaluation")}
