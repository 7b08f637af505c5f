"""The layers point one way: nn -> estimators -> pipeline -> analysis -> report/plotting -> cli.

Every import statement of the package, lazy imports inside functions
included, is read with ``ast`` (relative imports resolved), so a lower layer
cannot start depending on a higher one unnoticed.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skgenecyt"

#: The layers below report, plotting and the command line.
LOWER = ("nn", "decomposition", "graph", "preprocessing", "datasets", "pipeline",
         "perturbation", "inspection", "model_selection", "persistence")
#: What those must not import.
UPPER = ("report", "plotting", "cli", "__main__")


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """Every module name ``path`` imports, relative imports made absolute."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            # ``from skgenecyt import report`` imports the subpackage itself
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _sources(layer):
    where = PACKAGE / layer
    return sorted(where.rglob("*.py")) if where.is_dir() else [where.with_suffix(".py")]


def _is_in(name, packages):
    """Whether module ``name`` is one of ``skgenecyt.<package>`` or inside one."""
    return any(name == f"skgenecyt.{p}" or name.startswith(f"skgenecyt.{p}.") for p in packages)


def _offenders(layers, forbidden):
    """``{module: [forbidden imports]}`` over the source files of ``layers``."""
    offenders = {}
    for layer in layers:
        for path in _sources(layer):
            bad = sorted(name for name in _imports(path) if _is_in(name, forbidden))
            if bad:
                offenders[_module_name(path)] = bad
    return offenders


def test_the_reader_resolves_relative_and_absolute_imports():
    # The rules below only mean something if _imports finds what a module imports.
    imports = _imports(PACKAGE / "report" / "_perturbation_summary.py")
    assert "skgenecyt.plotting" in imports
    assert "skgenecyt.perturbation" in imports
    assert "skgenecyt.perturbation._effects" in _imports(PACKAGE / "perturbation" / "__init__.py")
    assert _offenders(["report"], ["plotting"])  # report draws: found


@pytest.mark.parametrize("layer", LOWER)
def test_lower_layers_import_no_report_plotting_or_cli(layer):
    assert _sources(layer), f"no source files for {layer}"
    assert _offenders([layer], UPPER) == {}


def test_plotting_imports_no_report_or_cli():
    assert _offenders(["plotting"], ["report", "cli", "__main__"]) == {}


def test_report_imports_no_cli():
    assert _offenders(["report"], ["cli", "__main__"]) == {}


def test_nn_is_pure_torch():
    """nn holds torch modules only: no scikit-learn, nothing else of skgenecyt."""
    offenders = {}
    for path in _sources("nn"):
        bad = [name for name in _imports(path)
               if name.split(".")[0] == "sklearn"
               or (name.split(".")[0] == "skgenecyt" and not _is_in(name, ["nn"]))]
        if bad:
            offenders[_module_name(path)] = sorted(bad)
    assert offenders == {}
