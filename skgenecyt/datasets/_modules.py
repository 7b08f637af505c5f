"""Gene modules: the built-in cytokine modules, resolving and locating module collections.

A collection of modules is given as ``None`` (the built-in cytokine modules),
a dict ``name -> genes`` or the path of a GMT file; :func:`resolve_modules`
turns any of them into a dict. :func:`locate_modules` finds each module among
a dataset's columns (gene names, or integer column indices for arrays without
names) and reports coverage; the public :func:`match_modules` and the
perturbation functions both use it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from numbers import Integral, Real

import numpy as np
import pandas as pd

from skgenecyt._sklearn_compat import Interval, validate_params

from ._gmt import read_gmt

MODULE_NAMES = ("IL6", "TNF", "IL1B")
_MODULES_FILE = "cytokine_modules.tsv"
_COLUMNS = ["module", "gene", "n_sources", "evidence", "other_evidence"]


def _read_module_table():
    """Read the packaged module table (comment lines start with ``#``)."""
    source = resources.files("skgenecyt.datasets").joinpath("data", _MODULES_FILE)
    with source.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, sep="\t", comment="#", dtype={"n_sources": int})
    if list(table.columns) != _COLUMNS:  # guards against a damaged installation
        raise ValueError(
            f"Packaged file {_MODULES_FILE} has columns {list(table.columns)}, "
            f"expected {_COLUMNS}."
        )
    table["other_evidence"] = table["other_evidence"].replace("-", "")
    return table


@validate_params({"as_frame": ["boolean"]}, prefer_skip_nested_validation=True)
def load_cytokine_modules(as_frame=False):
    """Load the built-in IL-6, TNF and IL-1beta response modules.

    Each module lists genes that the cytokine switches on in cells relevant to
    rheumatoid arthritis (synovial fibroblasts, monocytes and macrophages,
    endothelium; hepatocytes for the IL-6 acute-phase response). The genes were
    curated one by one from public gene sets (MSigDB Hallmark and C2, NCI-PID,
    Gene Ontology); the packaged file records, per gene, which sets list it and
    cites the sources of each module in its header.

    Curation rules:

    * Ligands of the three cytokines (``IL6``, ``TNF``, ``IL1B``, ``IL1A``),
      their receptors and constitutive signalling components are left out:
      the modules hold responders, not drivers.
    * The modules are **disjoint**, so an effect planted in (or estimated for)
      one module stays identifiable. A gene listed for several cytokines goes to
      the module with the most independent sources listing it; a tie goes to the
      module with fewer sources overall (IL1B, then IL6, then TNF). The other
      listings are kept in the ``other_evidence`` column.
    * The IL-1beta module rests on thinner evidence than the other two (there
      is no Hallmark IL-1 set): most of its genes have one source.

    Parameters
    ----------
    as_frame : bool, default=False
        If False, return a dict of gene lists. If True, return the tidy table
        with one row per gene and the columns ``module``, ``gene``,
        ``n_sources`` (independent sources of that module listing the gene),
        ``evidence`` (those gene-set names, ``;``-separated) and
        ``other_evidence`` (``module:set`` listings for the other cytokines,
        empty when none).

    Returns
    -------
    modules : dict of str to list of str, or pandas.DataFrame
        Module name (``"IL6"``, ``"TNF"``, ``"IL1B"``) to gene symbols, in the
        file's order (strongest evidence first within each module), or the
        table described above.

    See Also
    --------
    read_gmt : Load modules from your own GMT file.
    match_modules : Intersect modules with the columns of a dataset.

    Examples
    --------
    >>> from skgenecyt.datasets import load_cytokine_modules
    >>> modules = load_cytokine_modules()
    >>> sorted(modules)
    ['IL1B', 'IL6', 'TNF']
    >>> "SOCS3" in modules["IL6"], "NFKBIA" in modules["TNF"]
    (True, True)
    >>> table = load_cytokine_modules(as_frame=True)
    >>> list(table.columns)
    ['module', 'gene', 'n_sources', 'evidence', 'other_evidence']
    """
    table = _read_module_table()
    if as_frame:
        return table
    return {
        name: table.loc[table["module"] == name, "gene"].tolist() for name in MODULE_NAMES
    }


class LowCoverageWarning(UserWarning):
    """Warning raised when few genes of a module are found in a dataset."""


@dataclass(frozen=True)
class MatchedModule:
    """A module located among a dataset's columns."""

    name: str
    indices: np.ndarray  # column indices of the genes present, in module order
    genes: list  # the genes present (names, or indices when the module gave indices)
    missing: list  # genes of the module absent from the data
    n_defined: int  # genes in the module definition (after removing duplicates)

    @property
    def coverage(self) -> float:
        return len(self.genes) / self.n_defined if self.n_defined else 0.0


#: The name that stands for the built-in modules wherever gene sets are given.
BUILT_IN = "cytokine"


def resolve_modules(modules) -> dict:
    """``name -> genes`` for None or ``"cytokine"`` (the built-in modules), a dict or a GMT path.

    Only the collection is checked here; each module's genes are checked when
    it is located (:func:`locate_modules`), so a module that is never used
    cannot stop the others.
    """
    if modules is None or (isinstance(modules, str) and modules == BUILT_IN):
        return load_cytokine_modules()
    if isinstance(modules, str | os.PathLike):
        return read_gmt(modules)
    if not isinstance(modules, Mapping):
        raise TypeError(
            "modules must be a dict of gene lists, a path to a GMT file, or None or "
            f"{BUILT_IN!r} (the built-in modules), got {type(modules).__name__}."
        )
    if not modules:
        raise ValueError("modules is empty: give at least one module.")
    return dict(modules)


def _is_index(gene) -> bool:
    return isinstance(gene, Integral | np.integer) and not isinstance(gene, bool)


def _checked_genes(name, genes, allow_indices):
    """``(genes, by_index)``: a module's genes without duplicates, and whether they are indices."""
    kind = "gene symbols or column indices" if allow_indices else "gene symbols"
    if isinstance(genes, str) or not isinstance(genes, Iterable):
        raise TypeError(f"Module {name!r} must be a list of {kind}, got {type(genes).__name__}.")
    genes = list(dict.fromkeys(genes))  # drop duplicates, keep order
    if not genes:
        raise ValueError(f"Module {name!r} has no genes.")
    indices = [_is_index(gene) for gene in genes]
    if allow_indices and all(indices):
        return genes, True
    if allow_indices and any(indices):
        raise TypeError(
            f"Module {name!r} mixes gene names and column indices; list either, not both."
        )
    bad = [gene for gene in genes if not isinstance(gene, str)]
    if bad:
        raise TypeError(f"Module {name!r} holds non-string gene symbols, e.g. {bad[0]!r}.")
    return genes, False


def _column_names(columns):
    """Return the column names of a DataFrame, AnnData or a list of names."""
    if hasattr(columns, "var_names"):  # AnnData: genes are the var names
        columns = columns.var_names
    elif isinstance(columns, pd.DataFrame):
        columns = columns.columns
    if isinstance(columns, str) or not isinstance(columns, Iterable):
        raise TypeError(
            "columns must be a DataFrame, an AnnData or a list of column names, "
            f"got {type(columns).__name__}."
        )
    return [str(column) for column in columns]


def _case_insensitive_lookup(names):
    """Map upper-cased names to the dataset's spelling; refuse ambiguous names."""
    lookup = {}
    for name in names:
        key = name.upper()
        if key in lookup and lookup[key] != name:
            raise ValueError(
                f"Columns {lookup[key]!r} and {name!r} differ only by case, so "
                "case_sensitive=False cannot tell them apart."
            )
        lookup[key] = name
    return lookup


def _locate_by_index(name, genes, n_features) -> MatchedModule:
    bad = [g for g in genes if not -n_features <= g < n_features]
    if bad:
        raise ValueError(
            f"Module {name!r} gives column indices {bad[:5]} outside the data's "
            f"{n_features} columns."
        )
    indices = np.array([g % n_features for g in genes], dtype=np.intp)
    return MatchedModule(name, indices, [int(g) for g in genes], [], len(genes))


def locate_modules(modules, names, *, n_features=None, min_coverage=0.5,
                   case_sensitive=True, warn=True) -> list[MatchedModule]:
    """Locate every module of a ``name -> genes`` dict among a dataset's columns.

    Parameters
    ----------
    modules : dict
        Module name to genes, as :func:`resolve_modules` returns it.
    names : list of str or None
        The dataset's column names; None when it has none (an array).
    n_features : int or None, default=None
        The number of columns, when modules may give integer column indices
        (which work with or without names); None accepts gene names only.
    min_coverage, case_sensitive, warn
        As in :func:`match_modules`.

    Returns
    -------
    matched : list of MatchedModule
        One per module, in the order of ``modules``.
    """
    checked = {name: _checked_genes(name, genes, n_features is not None)
               for name, genes in modules.items()}
    names = None if names is None else [str(name) for name in names]
    by_name = {name: genes for name, (genes, by_index) in checked.items() if not by_index}
    if by_name and names is None:
        raise ValueError(
            f"Module {next(iter(by_name))!r} names genes, but X has no gene names. Pass X "
            "as a DataFrame whose columns are gene symbols, or give modules as column "
            "indices."
        )
    if case_sensitive:
        lookup, key = {name: name for name in names or ()}, str
    else:
        lookup, key = _case_insensitive_lookup(names), str.upper
    position = {name: i for i, name in enumerate(names or ())}

    located = {}
    for module, genes in by_name.items():
        found = [lookup[key(gene)] for gene in genes if key(gene) in lookup]
        found = list(dict.fromkeys(found))  # genes equal up to case map to one column
        if not found:
            raise ValueError(_no_gene_message(module, genes, names, case_sensitive))
        missing = [gene for gene in genes if key(gene) not in lookup]
        indices = np.array([position[gene] for gene in found], dtype=np.intp)
        located[module] = MatchedModule(module, indices, found, missing, len(genes))
    low = [m for m in located.values() if m.coverage < min_coverage]
    if warn and low:
        details = ", ".join(f"{m.name} {len(m.genes)}/{m.n_defined}" for m in low)
        warnings.warn(
            f"Low gene coverage (below {min_coverage:.0%}) for module(s): {details}. "
            "Check gene symbols (case, aliases, species); see the 'missing' column.",
            LowCoverageWarning,
            stacklevel=3,
        )
    for module, (genes, by_index) in checked.items():
        if by_index:
            located[module] = _locate_by_index(module, genes, n_features)
    return [located[module] for module in modules]


def coverage_frame(matched):
    """Coverage per module as a DataFrame indexed by module: genes defined, found, missing."""
    return pd.DataFrame(
        {
            "module": [m.name for m in matched],
            "n_genes": [m.n_defined for m in matched],
            "n_found": [len(m.genes) for m in matched],
            "coverage": [m.coverage for m in matched],
            "missing": [list(m.missing) for m in matched],
        }
    ).set_index("module")


@validate_params(
    {
        "modules": "no_validation",  # resolve_modules names what it accepts
        "columns": "no_validation",  # a DataFrame, AnnData or names: checked below
        "min_coverage": [Interval(Real, 0, 1, closed="both")],
        "case_sensitive": ["boolean"],
        "warn": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def match_modules(modules, columns, *, min_coverage=0.5, case_sensitive=True, warn=True):
    """Intersect gene modules with the columns of a dataset and report coverage.

    Gene sets come from different years and naming conventions, so a dataset
    rarely holds every gene of a module. This function keeps the genes that
    are present, reports per module how many were found, warns when coverage
    is low and refuses modules of which no gene is present.

    Symbols match exactly by default (HGNC symbols are upper case for human
    genes; mouse symbols such as ``Socs3`` are not the same gene list). With
    ``case_sensitive=False`` they match ignoring case and the matched lists use
    the dataset's spelling. No alias translation is done (``IL8`` does not
    match ``CXCL8``): check the ``missing`` column for such cases.

    Parameters
    ----------
    modules : dict of str to list of str, str, path-like or None
        The modules: a dict of gene lists, a path to a GMT file (read with
        :func:`read_gmt`) or None for the built-in cytokine modules
        (:func:`load_cytokine_modules`).
    columns : pandas.DataFrame, AnnData or list of str
        The dataset, or its gene names (DataFrame columns, AnnData var names).
    min_coverage : float, default=0.5
        Warn (with :class:`LowCoverageWarning`) about each module whose share
        of genes found is below this value. Must be in [0, 1].
    case_sensitive : bool, default=True
        Whether symbols must match with the same case.
    warn : bool, default=True
        Whether to warn about low coverage. Modules without any gene present
        raise an error either way.

    Returns
    -------
    matched : dict of str to list of str
        Module name to the genes found in ``columns``, in module order and
        spelled as in ``columns``.
    coverage : pandas.DataFrame
        One row per module (index ``module``) with columns ``n_genes``,
        ``n_found``, ``coverage`` (``n_found / n_genes``) and ``missing``
        (list of the module's genes not found).

    Raises
    ------
    ValueError
        If a module has no gene in ``columns``, if ``min_coverage`` is out of
        range, or if ``case_sensitive=False`` meets columns that differ only by
        case.

    See Also
    --------
    load_cytokine_modules : The built-in modules.
    read_gmt : Read modules from a GMT file.

    Examples
    --------
    >>> from skgenecyt.datasets import match_modules
    >>> modules = {"IL6": ["SOCS3", "STAT3", "PIM1"], "TNF": ["NFKBIA", "TNFAIP3"]}
    >>> matched, coverage = match_modules(modules, ["SOCS3", "PIM1", "NFKBIA", "TNFAIP3"])
    >>> matched
    {'IL6': ['SOCS3', 'PIM1'], 'TNF': ['NFKBIA', 'TNFAIP3']}
    >>> coverage["n_found"].to_dict(), coverage.loc["IL6", "missing"]
    ({'IL6': 2, 'TNF': 2}, ['STAT3'])
    """
    modules = resolve_modules(modules)
    names = _column_names(columns)
    matched = locate_modules(modules, names, min_coverage=min_coverage,
                             case_sensitive=case_sensitive, warn=warn)
    return {m.name: m.genes for m in matched}, coverage_frame(matched)


def _no_gene_message(module, genes, names, case_sensitive):
    """Explain why no gene of a module was found, with a hint about case."""
    message = (
        f"No gene of module {module!r} is among the {len(names)} columns "
        f"(module genes, e.g. {genes[:3]}; columns, e.g. {names[:3]})."
    )
    if case_sensitive:
        upper = {name.upper() for name in names}
        if any(gene.upper() in upper for gene in genes):
            message += " Some genes match when case is ignored: pass case_sensitive=False."
    return message
