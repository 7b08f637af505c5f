"""Sphinx configuration of the skgenecyt documentation.

Build the site, run every example of the gallery and treat warnings as errors
(from the repository root, after ``pip install -e ".[docs,dev]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Add ``-D plot_gallery=0`` to skip running the examples while editing prose.
The build needs no network and the site loads nothing from it: intersphinx
is off unless ``SKGENECYT_DOCS_INTERSPHINX=1``, the theme ships its own assets
and MathJax is copied into the site.
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))  # for _api and _gallery

import torch  # noqa: E402
from _api import render_api_sections  # noqa: E402
from _bad_input import render as render_bad_input  # noqa: E402
from _reproduction import render as render_reproduction  # noqa: E402
from _reproduction import render_paper  # noqa: E402

import skgenecyt  # noqa: E402

# The examples run inside this process. Their networks are small, and on a
# machine whose cores are busy (a shared CI runner) several torch threads wait
# on each other far longer than they compute: one thread keeps every example
# fast there and costs little on an idle machine.
torch.set_num_threads(1)

# -- Project -------------------------------------------------------------------

project = "skgenecyt"
author = "skgenecyt developers"
copyright = "skgenecyt developers, BSD-3-Clause licence"
release = skgenecyt.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # copies MathJax into the site: formulas render offline
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_templates",
    "_api_sections.rst",
    "_reproduction_results.rst",
    "_reproduction_paper.rst",
    "_bad_input_catalogue.rst",
    "generated/backreferences",
]
root_doc = "index"
default_role = "literal"  # `x` in prose means code, as in numpydoc docstrings

# The pipeline's defaults, read from the code, for the prose: |default_n_genes|.
_defaults = skgenecyt.make_genecytnet().get_params()
rst_epilog = "\n".join(
    f".. |{name}| replace:: {value}"
    for name, value in {
        "default_n_genes": f"{_defaults['select__k']:,}",
        "default_n_components": _defaults["vae__n_components"],
        "default_vae_hidden": ", ".join(map(str, _defaults["vae__hidden_layer_sizes"])),
        "default_gat_layers": _defaults["gat__n_layers"],
        "default_gat_heads": _defaults["gat__heads"],
    }.items()
)

# -- API reference, generated from skgenecyt.__all__ ----------------------------


def _write_if_changed(path: Path, text: str) -> None:
    """Rewrite only on change, so that Sphinx does not rebuild every page."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# api.rst includes this file; autosummary reads it to write one page per name.
_write_if_changed(DOCS / "_api_sections.rst", render_api_sections(skgenecyt))
autosummary_generate = ["_api_sections.rst"]

# reproduction.rst includes the paper's numbers (skgenecyt.report.PAPER) and the
# tables of the recorded reproduce run.
_write_if_changed(DOCS / "_reproduction_paper.rst", render_paper())
_write_if_changed(DOCS / "_reproduction_results.rst", render_reproduction())

# user_guide/bad_input.rst includes the errors that the test suite's
# catalogue of bad inputs actually produces, found by running it now.
_write_if_changed(DOCS / "_bad_input_catalogue.rst", render_bad_input())
autosummary_generate_overwrite = True

autodoc_typehints = "none"  # numpydoc docstrings carry the types
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}

numpydoc_show_class_members = False  # methods are documented in full by autodoc
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# numpydoc type specs such as ``ndarray of shape (n_features_in_,)`` name fitted
# attributes; a bare ``word_`` is a hyperlink reference in reStructuredText, so
# quote such names in the type part of "name : type" lines before numpydoc runs.
_FIELD_LINE = re.compile(r"^(\s*[\w*][\w, *]* : )(.*)$")
_BARE_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def _quote_attribute_names_in_types(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        match = _FIELD_LINE.match(line)
        if match:
            head, spec = match.groups()
            lines[i] = head + _BARE_TRAILING_UNDERSCORE.sub(r"``\1``", spec)


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    # scikit-learn generates set_<method>_request on every estimator; their
    # docstrings refer to scikit-learn's own user guide, and they are the same
    # everywhere, so api.rst mentions them once instead.
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def _resolve_subpackage_paths(app, env, node, contnode):
    # Docstrings may name an object by the subpackage that defines it
    # (skgenecyt.perturbation.dose_response); the API pages document every
    # public object once, under its top-level name (skgenecyt.dose_response).
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("skgenecyt."):
        return None
    parts = target.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part in skgenecyt.__all__:
            top_level = ".".join(["skgenecyt", *parts[i:]])
            if top_level == target:
                return None
            return env.get_domain("py").resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], top_level, node, contnode
            )
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _quote_attribute_names_in_types, priority=400)
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
    app.connect("missing-reference", _resolve_subpackage_paths)


# -- Example gallery -------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "_gallery.ExampleOrder",
    "doc_module": ("skgenecyt",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skgenecyt": None},  # link names to this site only
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "min_reported_time": 1,
    # The timing pages load jQuery and DataTables from CDNs; the site stays offline.
    "write_computation_times": False,
}

# -- Optional cross-references to other projects (needs network) ----------------

if os.environ.get("SKGENECYT_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "torch": ("https://docs.pytorch.org/docs/stable", None),
    }

# -- HTML ------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skgenecyt {release}"
html_theme_options = {
    "logo": {"text": "skgenecyt"},
    "navbar_end": ["theme-switcher"],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = ["_static"]
html_css_files = ["skgenecyt.css"]
html_show_sourcelink = False
html_last_updated_fmt = None
