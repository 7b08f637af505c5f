"""Build the API reference listing from ``skgenecyt.__all__``.

The API page is generated at build time so that it can never fall behind the
package: every public name is grouped under the subpackage that defines it,
and a name from a subpackage without a section of its own still appears,
under "Utilities". ``conf.py`` writes the result to ``_api_sections.rst``,
which ``api.rst`` includes; ``tests/test_docs.py`` checks the same listing.

This module needs only the standard library and skgenecyt, not Sphinx.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

#: Names in ``__all__`` that are not objects with a page of their own.
NOT_AUTOSUMMARISED = ("__version__",)

#: (defining subpackage, section title, one-paragraph introduction), in page order.
SECTIONS = (
    (
        "skgenecyt.pipeline",
        "GeneCytNet pipeline",
        "The complete model as one scikit-learn ``Pipeline``: scaling, the "
        "variational autoencoder and the graph attention classifier.",
    ),
    (
        "skgenecyt.decomposition",
        "Variational autoencoder",
        "A VAE as a scikit-learn transformer: latent means out, "
        "``inverse_transform`` back to genes, ``score`` as the mean ELBO.",
    ),
    (
        "skgenecyt.graph",
        "Graph attention",
        "Graph attention over features (genes or latent factors) that share one "
        "graph, learned inside ``fit`` or given as a prior.",
    ),
    (
        "skgenecyt.perturbation",
        "In-silico cytokine perturbation",
        "Shift a cytokine-responsive gene module and measure how the predicted "
        "RA probability moves, against a size-matched null.",
    ),
    (
        "skgenecyt.model_selection",
        "Benchmarking",
        "Fair comparisons against classical baselines on identical splits.",
    ),
    (
        "skgenecyt.inspection",
        "Inspection",
        "Attention tables and gene attributions of fitted models.",
    ),
    (
        "skgenecyt.plotting",
        "Plotting",
        "Matplotlib figures for results tables.",
    ),
    (
        "skgenecyt.datasets",
        "Datasets, gene sets and loading",
        "The synthetic RA cohort and multi-study simulator, the built-in cytokine "
        "modules and matched random gene sets, GMT files, expression tables, GEO series "
        "matrices and combining cohorts.",
    ),
    (
        "skgenecyt.preprocessing",
        "Input checks, normalisation and gene selection",
        "Pipeline steps for expression matrices: the checks on their way into a "
        "model, per-sample normalisation across studies, in-fold gene selection "
        "and scores of prior gene sets.",
    ),
    (
        "skgenecyt.persistence",
        "Persistence",
        "Save fitted models to a file and load them back without running code "
        "from the file.",
    ),
    (
        "skgenecyt.report",
        "Reports",
        "The tables, figures and documents of ``skgenecyt reproduce``.",
    ),
)

OTHER_TITLE = "Utilities"
OTHER_INTRO = "Persistence and other helpers."


@dataclass
class Section:
    title: str
    intro: str
    names: list[str] = field(default_factory=list)


def defining_subpackage(package, name) -> str:
    """The subpackage that exports ``name``, e.g. ``skgenecyt.datasets``.

    A subpackage with a section exports its names in its own ``__all__``;
    otherwise (a constant has no ``__module__``) fall back to the module that
    defined the object.
    """
    for prefix, _, _ in SECTIONS:
        subpackage = getattr(package, prefix.rsplit(".", 1)[-1], None)
        if inspect.ismodule(subpackage) and name in getattr(subpackage, "__all__", ()):
            return prefix
    module = getattr(getattr(package, name), "__module__", None) or ""
    return ".".join(module.split(".")[:2])


def api_sections(package) -> list[Section]:
    """Group the public names of ``package`` into sections, in page order.

    Empty sections are dropped; names keep their order in ``__all__``.
    """
    known = {prefix: Section(title, intro) for prefix, title, intro in SECTIONS}
    other = Section(OTHER_TITLE, OTHER_INTRO)
    for name in package.__all__:
        if name in NOT_AUTOSUMMARISED:
            continue
        known.get(defining_subpackage(package, name), other).names.append(name)
    ordered = [known[prefix] for prefix, _, _ in SECTIONS] + [other]
    return [section for section in ordered if section.names]


def template_for(obj) -> str:
    """The autosummary template for one public object."""
    if inspect.isclass(obj):
        return "class.rst"
    return "function.rst" if callable(obj) else "data.rst"


def render_api_sections(package) -> str:
    """reStructuredText of every section: a heading, its intro, an autosummary."""
    # autosummary reads this file on its own, so it needs the current module.
    lines = [f".. currentmodule:: {package.__name__}", ""]
    for section in api_sections(package):
        lines += [section.title, "-" * len(section.title), "", section.intro, ""]
        # One autosummary per template kind: classes, then functions, then constants.
        for kind in ("class.rst", "function.rst", "data.rst"):
            names = [n for n in section.names if template_for(getattr(package, n)) == kind]
            if not names:
                continue
            lines += [
                ".. autosummary::",
                "   :toctree: generated",
                f"   :template: {kind}",
                "   :nosignatures:",
                "",
            ]
            lines += [f"   {name}" for name in names]
            lines.append("")
    return "\n".join(lines)
