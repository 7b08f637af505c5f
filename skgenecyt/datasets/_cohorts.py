"""Several cohorts as one table on their shared genes, with the cohort of every sample."""

import warnings
from numbers import Real

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import Interval, validate_params
from skgenecyt._validation import joined, listing

from ._warnings import CohortWarning

#: Default smallest share of every cohort's genes that must be shared by all cohorts.
MIN_SHARED = 0.5
#: Default correlation from which two samples of different cohorts count as one array.
DUPLICATE_CORRELATION = 0.999


def _cohort(name, pair):
    """Check one ``(X, y)`` pair; return (X restricted to labelled rows, y, rows dropped)."""
    if not isinstance(name, str):
        raise TypeError(f"Cohort names must be str, got {name!r} ({type(name).__name__}).")
    if not (isinstance(pair, tuple | list) and len(pair) == 2):
        raise TypeError(f"Cohort {name!r} must be a pair (X, y), got {type(pair).__name__}.")
    X, y = pair
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"X of cohort {name!r} must be a pandas DataFrame with gene names as columns, "
            f"got {type(X).__name__}."
        )
    X = X.set_axis(X.columns.map(str), axis=1)
    for axis, what in ((X.columns, "gene names"), (X.index, "sample ids")):
        repeated = axis[axis.duplicated()].unique()
        if len(repeated):
            raise ValueError(f"Cohort {name!r} repeats {what}: {listing(repeated)}.")
    if isinstance(y, pd.Series):
        unknown = y.index.difference(X.index, sort=False)
        if len(unknown):
            raise ValueError(
                f"Cohort {name!r}: {len(unknown)} label(s) for samples that are not rows of X: "
                f"{listing(unknown)}."
            )
        if y.index.duplicated().any():
            raise ValueError(f"Cohort {name!r}: the labels repeat sample ids.")
        dropped = len(X) - len(y)
        X = X.loc[y.index]
    else:
        y = pd.Series(np.asarray(y), name="y")
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(
                f"Cohort {name!r}: y given as an array must hold one label per row of X "
                f"({len(X)}), got {len(y)}."
            )
        y.index = X.index
        dropped = 0
    if y.isna().any():
        raise ValueError(
            f"Cohort {name!r}: {int(y.isna().sum())} missing label(s), e.g. sample "
            f"{y.index[y.isna()][0]!r}."
        )
    if len(X) == 0:
        raise ValueError(f"Cohort {name!r} has no labelled sample.")
    return X, y, dropped


def _shared_genes(tables, min_shared):
    """Genes of every cohort, in the first cohort's order; refuse too small an overlap."""
    first = next(iter(tables.values())).columns
    shared = first
    for X in tables.values():
        shared = shared[shared.isin(X.columns)]
    shares = {name: len(shared) / X.shape[1] for name, X in tables.items()}
    worst = min(shares, key=shares.get)
    if len(shared) == 0 or shares[worst] < min_shared:
        sizes = ", ".join(f"{name}: {X.shape[1]}" for name, X in tables.items())
        examples = ", ".join(f"{name}: {listing(X.columns[:3])}" for name, X in tables.items())
        raise ValueError(
            f"The cohorts share {len(shared)} gene(s), {shares[worst]:.0%} of the "
            f"{tables[worst].shape[1]} genes of {worst!r} (genes per cohort: {sizes}); at "
            f"least min_shared={min_shared:g} of every cohort's genes must be shared. Do the "
            f"columns name genes the same way (symbols, not probe or Ensembl ids; one "
            f"species)? First columns: {examples}."
        )
    return shared


def _standardised_rows(values):
    """Rows centred and scaled to unit norm; NaN count as the row's mean."""
    present = ~np.isnan(values)
    counts = present.sum(axis=1, keepdims=True)
    mean = np.divide(np.where(present, values, 0.0).sum(axis=1, keepdims=True), counts,
                     out=np.zeros(counts.shape), where=counts > 0)
    centred = np.where(present, values - mean, 0.0)
    norm = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.divide(centred, norm, out=np.zeros_like(centred), where=norm > 0)


def _duplicates(tables, shared, threshold):
    """Pairs of samples of different cohorts: same id, or rows correlating >= threshold."""
    names = list(tables)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for sample in tables[a].index.intersection(tables[b].index, sort=False):
                rows.append((a, sample, b, sample, "same sample id", np.nan))
    values = {name: X[shared].to_numpy(dtype=np.float64) for name, X in tables.items()}
    if len(shared) > 2:
        scaled = {name: _standardised_rows(v) for name, v in values.items()}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                correlation = scaled[a] @ scaled[b].T
                for r, c in zip(*np.nonzero(correlation >= threshold)):
                    sample_a, sample_b = tables[a].index[r], tables[b].index[c]
                    if sample_a == sample_b:
                        continue  # reported as the same id
                    rows.append((a, sample_a, b, sample_b, "correlated",
                                 float(correlation[r, c])))
    return pd.DataFrame(rows, columns=["cohort_a", "sample_a", "cohort_b", "sample_b",
                                       "reason", "correlation"])


def _check_label_kinds(labels):
    kinds = {name: is_numeric_dtype(y) for name, y in labels.items()}
    if len(set(kinds.values())) > 1:
        described = ", ".join(
            f"{name}: {sorted(map(str, y.unique()))}" for name, y in labels.items())
        raise ValueError(
            f"The cohorts' labels mix numbers and text ({described}); give every cohort "
            "the same kind of labels, e.g. 1 for RA and 0 for controls."
        )


@validate_params(
    {
        "cohorts": [dict],
        "min_shared": [Interval(Real, 0, 1, closed="both")],
        "duplicate_correlation": [Interval(Real, 0, 1, closed="both")],
    },
    prefer_skip_nested_validation=True,
)
def combine_cohorts(cohorts, *, min_shared=MIN_SHARED,
                    duplicate_correlation=DUPLICATE_CORRELATION):
    """Combine several cohorts into one table on their shared genes.

    Each cohort keeps its own values (no normalisation across cohorts is
    done here); ``groups`` records the cohort of every sample, for
    leave-one-cohort-out validation (e.g. scikit-learn's
    :class:`~sklearn.model_selection.LeaveOneGroupOut`).

    * **Genes.** Only the genes of every cohort are kept, in the first
      cohort's order. If fewer than ``min_shared`` of some cohort's genes are
      shared, the cohorts are refused: two platforms usually share most
      genes (HG-U133A's genes are all on HG-U133 Plus 2.0), while a mix-up of
      identifiers (probe ids against symbols, Ensembl ids against symbols,
      mouse against human) shares next to nothing.
    * **Samples.** When ``y`` is a Series (e.g. from
      :func:`labels_from_metadata`), the rows of ``X`` are taken for its
      sample ids, so samples without a label are left out
      (``coverage["n_samples_dropped"]`` counts them); an array ``y`` needs
      one label per row.
    * **Duplicates.** GEO holds the same arrays in several series
      (re-deposited or reused controls); a sample in two cohorts makes
      leave-one-cohort-out estimates optimistic. A :class:`CohortWarning`
      names every pair of samples of different cohorts with the same id, or
      whose values on the shared genes correlate at ``duplicate_correlation``
      or more (Pearson, across genes; missing values count as the sample's
      mean). Distinct arrays of one tissue correlate below that (typically
      0.95 to 0.99 on the log scale); an array deposited again with the same
      processing reaches it, close technical replicates can, while one array
      processed by different methods (MAS5 and RMA, say) may stay below it.
      Nothing is removed: remove one of each pair yourself. When ids
      repeat, the combined index becomes ``"<cohort>:<sample id>"``.

    Parameters
    ----------
    cohorts : dict of str to (X, y)
        Cohort name -> samples x genes DataFrame and its labels (a Series
        indexed by sample id, or an array with one label per row). Labels
        must be all numbers or all text.
    min_shared : float in [0, 1], default=0.5
        Smallest share of every cohort's genes that all cohorts must share.
    duplicate_correlation : float in [0, 1], default=0.999
        Correlation from which two samples of different cohorts are reported
        as one array.

    Returns
    -------
    combined : :class:`~sklearn.utils.Bunch`
        With the fields:

        ``X``
            DataFrame, all kept samples (cohort by cohort) x shared genes.
        ``y``
            Series of labels, indexed like ``X``.
        ``groups``
            Series of cohort names, indexed like ``X``.
        ``coverage``
            DataFrame with one row per cohort: ``n_samples`` (kept),
            ``n_samples_dropped`` (rows of ``X`` without a label), ``n_genes``
            and ``n_genes_kept``, and ``share_kept``.
        ``duplicates``
            DataFrame of the reported pairs: ``cohort_a``, ``sample_a``,
            ``cohort_b``, ``sample_b``, ``reason`` (``"same sample id"`` or
            ``"correlated"``) and ``correlation``.

    Raises
    ------
    TypeError
        If a cohort is not a pair of a DataFrame and labels, or its name is
        not a str.
    ValueError
        If a cohort repeats gene names or sample ids, has labels for unknown
        samples, missing labels or no labelled sample; if too few genes are
        shared (the message gives the counts); if labels mix numbers and text.

    See Also
    --------
    read_geo_series_matrix : Reads one GEO series.
    labels_from_metadata : Labels from GEO metadata.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgenecyt import combine_cohorts
    >>> rng = np.random.default_rng(0)
    >>> a = pd.DataFrame(rng.normal(8, 1, (3, 4)), index=["GSM1", "GSM2", "GSM3"],
    ...                  columns=["IL6", "TNF", "SOCS3", "CXCL8"])
    >>> b = pd.DataFrame(rng.normal(8, 1, (2, 3)), index=["GSM7", "GSM8"],
    ...                  columns=["SOCS3", "IL6", "TNF"])
    >>> combined = combine_cohorts({
    ...     "GSE1": (a, pd.Series([1, 0, 1], index=a.index)),
    ...     "GSE2": (b, pd.Series([1, 0], index=b.index))})
    >>> combined.X.columns.tolist(), combined.groups.tolist()
    (['IL6', 'TNF', 'SOCS3'], ['GSE1', 'GSE1', 'GSE1', 'GSE2', 'GSE2'])
    >>> combined.coverage[["n_genes", "n_genes_kept"]]
          n_genes  n_genes_kept
    GSE1        4             3
    GSE2        3             3
    """
    if not cohorts:
        raise ValueError("cohorts is empty; give at least one name -> (X, y).")
    tables, labels, dropped = {}, {}, {}
    for name, pair in cohorts.items():
        tables[name], labels[name], dropped[name] = _cohort(name, pair)
    _check_label_kinds(labels)
    shared = _shared_genes(tables, min_shared)
    duplicates = _duplicates(tables, shared, duplicate_correlation)
    same_ids = (duplicates["reason"] == "same sample id").any()
    if len(duplicates):
        pairs = [
            f"{r.cohort_a}:{r.sample_a} and {r.cohort_b}:{r.sample_b} "
            + ("(same id)" if r.reason == "same sample id" else f"(r = {r.correlation:.4f})")
            for r in duplicates.itertuples()
        ]
        warnings.warn(
            f"{len(pairs)} pair(s) of samples of different cohorts look like one array: "
            f"{joined(pairs)}. Leave-one-cohort-out estimates are optimistic while both "
            "copies are kept; remove one of each pair."
            + (" Sample ids repeat, so the index is '<cohort>:<sample id>'." if same_ids
               else ""),
            CohortWarning,
            stacklevel=3,
        )
    parts = []
    for name, X in tables.items():
        part = X[shared]
        if same_ids:
            part = part.set_axis(name + ":" + part.index.astype(str), axis=0)
        parts.append(part)
    X = pd.concat(parts)
    y = pd.concat(list(labels.values())).set_axis(X.index)
    groups = pd.Series(np.repeat(list(tables), [len(t) for t in tables.values()]),
                       index=X.index, name="cohort")
    coverage = pd.DataFrame(
        {
            "n_samples": [len(t) for t in tables.values()],
            "n_samples_dropped": list(dropped.values()),
            "n_genes": [t.shape[1] for t in tables.values()],
            "n_genes_kept": len(shared),
        },
        index=pd.Index(list(tables)),
    )
    coverage["share_kept"] = coverage["n_genes_kept"] / coverage["n_genes"]
    return Bunch(X=X, y=y, groups=groups, coverage=coverage, duplicates=duplicates)
