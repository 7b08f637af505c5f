"""Random gene sets of a module's size: the null for perturbation effects."""

from __future__ import annotations

import numpy as np

from ._summary_stats import null_rng


def expression_bins(level, n_bins):
    """Bin genes into ``n_bins`` quantile bins of ``level`` (e.g. mean expression)."""
    edges = np.quantile(level, np.linspace(0, 1, n_bins + 1)[1:-1])
    return np.searchsorted(edges, level, side="right")


def _matched_plan(module_indices, n_features, level, n_bins):
    """``[(pool, count)]``: how many null genes to draw from which pool of genes.

    The pools exclude the module's genes. With ``level`` given, genes are
    binned on it and each module gene is replaced by a gene from its own bin;
    when a bin has too few genes outside the module, the bins are halved in
    number until every bin can supply its share (one bin is plain uniform
    sampling).
    """
    outside = np.ones(n_features, dtype=bool)
    outside[module_indices] = False
    size = len(module_indices)
    if outside.sum() < size:
        raise ValueError(
            f"A module of {size} genes leaves only {int(outside.sum())} other genes, too few "
            "to draw null gene sets of the same size; pass n_null=0 to skip the null."
        )
    n_bins = 1 if level is None or n_bins is None else n_bins
    while n_bins > 1:
        bins = expression_bins(level, n_bins)
        counts = np.bincount(bins[module_indices], minlength=n_bins)
        pools = [np.flatnonzero(outside & (bins == b)) for b in range(n_bins)]
        if all(len(pool) >= c for pool, c in zip(pools, counts)):
            return [(pool, c) for pool, c in zip(pools, counts) if c > 0]
        n_bins //= 2
    return [(np.flatnonzero(outside), size)]


def null_gene_sets(module_indices, n_features, n_null, rng, level=None, n_bins=10):
    """Draw ``n_null`` gene sets of the module's size from the genes outside it.

    Parameters
    ----------
    module_indices : ndarray of int
        Column indices of the module's genes.
    n_features : int
        Number of columns in the data.
    n_null : int
        Number of random gene sets.
    rng : numpy.random.Generator
    level : ndarray of shape (n_features,) or None
        Per-gene expression level to match on (e.g. the training mean); None
        draws uniformly from all genes outside the module.
    n_bins : int or None
        Number of quantile bins of ``level`` used for matching.

    Returns
    -------
    sets : ndarray of shape (n_null, len(module_indices))
        Column indices; genes within one set are distinct.
    """
    if n_null == 0:
        return np.empty((0, len(module_indices)), dtype=np.intp)
    plan = _matched_plan(np.asarray(module_indices), n_features, level, n_bins)
    parts = []
    for pool, count in plan:
        # The `count` smallest of independent uniform keys: a draw without
        # replacement for every null set at once.
        keys = rng.random((n_null, len(pool)))
        pick = np.argpartition(keys, count - 1, axis=1)[:, :count]
        parts.append(pool[pick])
    return np.concatenate(parts, axis=1)


def draw_null_sets(matched, n_features, n_null, seed, level, n_bins):
    """Null gene sets for each matched module, keyed by module name.

    Each module has its own random stream (keyed by its name), so its null sets
    are the same whatever other modules are tested, and they are shared by all
    shifts.
    """
    return {
        m.name: null_gene_sets(m.indices, n_features, n_null, null_rng(seed, m.name),
                               level=level, n_bins=n_bins)
        for m in matched
    }
