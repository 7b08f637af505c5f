"""Turn a module specification into column indices of the data.

A module is a list of gene symbols (matched against the data's column names)
or a list of integer column indices (for arrays without gene names). The
collection of modules can be the built-in cytokine modules (``None``), a dict
``name -> genes`` or the path of a GMT file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from numbers import Integral

import numpy as np


@dataclass(frozen=True)
class MatchedModule:
    """A module located in the data: its column indices and coverage."""

    name: str
    indices: np.ndarray  # column indices of the genes present, in module order
    genes: list  # the genes present (names, or indices when the module gave indices)
    missing: list  # genes of the module absent from the data
    n_defined: int  # genes in the module definition (after removing duplicates)

    @property
    def coverage(self) -> float:
        return len(self.genes) / self.n_defined if self.n_defined else 0.0


def resolve_modules(modules) -> dict:
    """Return ``name -> list of genes`` for None (built-in), a dict or a GMT path."""
    if modules is None:
        from skgenecyt.datasets import load_cytokine_modules

        return dict(load_cytokine_modules())
    if isinstance(modules, (str, os.PathLike)):
        from skgenecyt.datasets import read_gmt

        return dict(read_gmt(modules))
    if isinstance(modules, dict):
        if not modules:
            raise ValueError("modules is an empty dict: give at least one module.")
        return dict(modules)
    raise TypeError(
        "modules must be None (the built-in cytokine modules), a dict mapping module "
        f"names to genes, or the path of a GMT file; got {type(modules).__name__}."
    )


def _is_index_list(genes) -> bool:
    kinds = {isinstance(g, (Integral, np.integer)) and not isinstance(g, bool) for g in genes}
    if len(kinds) > 1:
        raise TypeError("A module must list either gene names or column indices, not both.")
    return kinds == {True}


def _match_indices(name, genes, n_features) -> MatchedModule:
    bad = [g for g in genes if not -n_features <= g < n_features]
    if bad:
        raise ValueError(
            f"Module {name!r} gives column indices {bad[:5]} outside the data's "
            f"{n_features} columns."
        )
    indices = np.array([g % n_features for g in genes], dtype=np.intp)
    return MatchedModule(name, indices, [int(g) for g in genes], [], len(genes))


def match_modules(modules: dict, feature_names, n_features) -> list[MatchedModule]:
    """Locate every module of a ``name -> genes`` dict among the data's columns.

    Integer entries are column indices and work for any array. Gene names need
    ``feature_names`` (the DataFrame's columns) and are matched by
    :func:`skgenecyt.datasets.match_modules`, which reports coverage, warns
    when it is low and refuses a module none of whose genes is present.
    """
    by_index, by_name = {}, {}
    for name, genes in modules.items():
        if isinstance(genes, str) or not hasattr(genes, "__iter__"):
            raise TypeError(
                f"Module {name!r} must be a list of gene names or column indices, "
                f"got {type(genes).__name__}."
            )
        genes = list(dict.fromkeys(genes))  # drop duplicates, keep order
        if not genes:
            raise ValueError(f"Module {name!r} lists no genes.")
        (by_index if _is_index_list(genes) else by_name)[name] = genes

    found, coverage = {}, None
    if by_name:
        if feature_names is None:
            raise ValueError(
                f"Module {next(iter(by_name))!r} names genes, but X has no gene names. Pass X "
                "as a DataFrame whose columns are gene symbols, or give modules as column "
                "indices."
            )
        from skgenecyt.datasets import match_modules as match_names

        found, coverage = match_names(by_name, list(feature_names))
    position = {str(gene): i for i, gene in enumerate(feature_names or ())}

    matched = []
    for name in modules:
        if name in by_index:
            matched.append(_match_indices(name, by_index[name], n_features))
            continue
        genes = found[name]
        indices = np.array([position[g] for g in genes], dtype=np.intp)
        row = coverage.loc[name]
        matched.append(MatchedModule(name, indices, genes, list(row["missing"]),
                                     int(row["n_genes"])))
    return matched


def coverage_frame(matched: list[MatchedModule]):
    """Coverage per module as a DataFrame indexed by module: genes defined, found, missing."""
    import pandas as pd

    return pd.DataFrame(
        {
            "module": [m.name for m in matched],
            "n_genes": [m.n_defined for m in matched],
            "n_found": [len(m.genes) for m in matched],
            "coverage": [m.coverage for m in matched],
            "missing": [list(m.missing) for m in matched],
        }
    ).set_index("module")
