"""Rules of the code layout that a reviewer would otherwise have to remember."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skgenecyt"
COMPAT = PACKAGE / "_sklearn_compat.py"


def _private_sklearn_imports(path):
    """``module.name`` of every private scikit-learn name a source file imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
            private_module = any(part.startswith("_") for part in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names
                      if a.name.startswith("sklearn") and "._" in a.name]
    return found


def test_private_scikit_learn_names_are_imported_in_one_module_only():
    offenders = {
        str(path.relative_to(PACKAGE)): names
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != COMPAT and (names := _private_sklearn_imports(path))
    }
    assert offenders == {}
    assert _private_sklearn_imports(COMPAT)  # the rule above checks something


def test_only_the_thread_policy_sets_torch_threads():
    users = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
        if "set_num_threads(" in path.read_text(encoding="utf-8")
    )
    assert users == ["_training.py"]
