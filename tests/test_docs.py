"""Checks of the documentation sources that need no Sphinx.

The full documentation build (which also runs every example) is
``python -m sphinx -W --keep-going -b html docs docs/_build/html``; these tests
catch the usual ways the sources drift from the package in a second.
"""

import ast
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

import skgenecyt

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
DOCS_BUILD_COMMAND = "python -m sphinx -W --keep-going -b html docs docs/_build/html"


def _load_docs_module(name):
    """Import docs/<name>.py (docs/ is not a package)."""
    qualified = f"_skgenecyt_docs_{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, DOCS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[qualified]


def _public_objects():
    api = _load_docs_module("_api")
    return [n for n in skgenecyt.__all__ if n not in api.NOT_AUTOSUMMARISED]


def test_every_public_name_is_in_the_api_reference():
    api = _load_docs_module("_api")
    source = api.render_api_sections(skgenecyt)
    listed = re.findall(r"^   (\w+)$", source, flags=re.MULTILINE)
    assert sorted(listed) == sorted(_public_objects())
    page = (DOCS / "api.rst").read_text(encoding="utf-8")
    assert ".. include:: _api_sections.rst" in page
    for name in api.NOT_AUTOSUMMARISED:
        assert name in skgenecyt.__all__
        assert f"skgenecyt.{name}" in page


def test_api_sections_group_by_defining_subpackage():
    api = _load_docs_module("_api")
    prefixes = {title: prefix for prefix, title, _ in api.SECTIONS}
    for section in api.api_sections(skgenecyt):
        for name in section.names:
            where = api.defining_subpackage(skgenecyt, name)
            if section.title in prefixes:
                assert where == prefixes[section.title], name
            else:  # the catch-all section holds names from other modules only
                assert where not in prefixes.values(), name


@pytest.mark.parametrize("name", _public_objects())
def test_public_object_has_a_numpydoc_docstring(name):
    doc = inspect.getdoc(getattr(skgenecyt, name))
    assert doc, f"skgenecyt.{name} has no docstring, so its API page would be empty"
    summary = doc.splitlines()[0]
    assert summary.strip(), f"skgenecyt.{name}: the docstring must start with a summary line"


def _examples():
    return sorted(EXAMPLES.glob("plot_*.py"))


def test_gallery_has_a_header_and_every_example_is_ordered():
    assert (EXAMPLES / "README.rst").is_file()
    order = _load_docs_module("_gallery").ORDER
    assert sorted(order) == sorted(p.name for p in _examples())


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_gallery_script_is_valid(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring, "sphinx-gallery needs a module docstring with the title"
    lines = docstring.strip("\n").splitlines()
    if lines and set(lines[0]) == {"="}:  # an overlined title
        lines = lines[1:]
    assert len(lines) >= 3, "title, underline and at least one line of text"
    assert set(lines[1]) == {"="}, "the title must be underlined with '='"
    assert len(lines[1]) >= len(lines[0]), "the title underline is too short"
    assert "# %%" in source, "split the example into cells with '# %%'"
    # The gallery runs from an installed package: no repository-relative data.
    assert "../" not in source
    assert "shared/" not in source


def test_getting_started_shows_the_readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", section, flags=re.DOTALL)
    assert len(commands) == 2
    page = (DOCS / "getting_started.rst").read_text(encoding="utf-8")
    for command in commands:
        assert command.strip() in page


def test_docs_build_command_is_documented_where_users_look():
    for path in (ROOT / "README.md", DOCS / "getting_started.rst", DOCS / "conf.py"):
        assert DOCS_BUILD_COMMAND in path.read_text(encoding="utf-8"), path


def test_reproduction_page_shows_a_recorded_full_run_beside_the_paper():
    reproduction = _load_docs_module("_reproduction")
    results = reproduction.load_results()
    assert results is not None, "no reproduce run recorded in docs/reproduction/"
    assert results["kind"] == "reproduce"
    assert not results["quick"], "the page must show a full run, not a --quick one"
    assert results["cohort"]["n_genes"] == 15000
    text = reproduction.render(results)
    assert "0.962 ± 0.005" in text  # the paper's holdout AUC
    genecytnet = next(m for m in results["benchmark"] if m["model"] == "GeneCytNet")
    assert f"{genecytnet['holdout_roc_auc']:.3f}" in text
    for name, _ in reproduction.FIGURES:
        assert (reproduction.RESULTS.parent / name).is_file(), name
