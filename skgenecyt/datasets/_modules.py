"""Built-in cytokine response modules and matching modules to expression columns."""

from importlib import resources

import pandas as pd

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
