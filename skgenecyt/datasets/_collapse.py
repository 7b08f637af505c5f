"""Collapsing the probes of a gene into one value per sample."""

import numpy as np
import pandas as pd

#: The rules, as documented in read_geo_series_matrix.
COLLAPSE_RULES = ("max_mean", "mean", "max_var")


def _row_score(values, rule):
    """Each row's mean (``max_mean``) or variance (``max_var``, ddof=1), ignoring NaN.

    Rows without a defined score (no value; one value for the variance) get -inf.
    """
    present = ~np.isnan(values)
    if values.shape[1] > 1 and present.all():  # the usual case, without the masking below
        score = values.mean(axis=1) if rule == "max_mean" else values.var(axis=1, ddof=1)
        return np.where(np.isnan(score), -np.inf, score)
    counts = present.sum(axis=1)
    filled = np.where(present, values, 0.0)
    mean = np.divide(filled.sum(axis=1), counts, out=np.zeros(len(counts)), where=counts > 0)
    if rule == "max_mean":
        return np.where(counts > 0, mean, -np.inf)
    centred = np.where(present, values - mean[:, None], 0.0)
    var = np.divide((centred**2).sum(axis=1), counts - 1, out=np.zeros(len(counts)),
                    where=counts > 1)
    return np.where(counts > 1, var, -np.inf)


def collapse_probes(values, genes, rule):
    """One row per gene from the rows (probes) of ``values``.

    Parameters
    ----------
    values : ndarray of shape (n_probes, n_samples)
        Log-scale values; NaN allowed.
    genes : sequence of str
        The gene of each probe.
    rule : {"max_mean", "mean", "max_var"}
        ``max_mean``/``max_var``: the probe with the highest mean / variance
        over the samples (NaN ignored; a probe without values loses; ties go to
        the probe listed first); ``mean``: the mean of the probes per sample,
        ignoring NaN.

    Returns
    -------
    collapsed : ndarray of shape (n_genes, n_samples)
    names : ndarray of str
        The genes, in order of their first probe.
    used : ndarray of bool, shape (n_probes,)
        The probes whose values are in ``collapsed``.
    """
    codes, names = pd.factorize(np.asarray(genes, dtype=object), sort=False)
    if rule == "mean":
        order = np.argsort(codes, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
        present = ~np.isnan(values[order])
        sums = np.add.reduceat(np.where(present, values[order], 0.0), starts, axis=0)
        counts = np.add.reduceat(present, starts, axis=0)
        collapsed = np.divide(sums, counts, out=np.full(sums.shape, np.nan), where=counts > 0)
        return collapsed, np.asarray(names, dtype=object), np.ones(len(codes), dtype=bool)
    score = _row_score(values, rule)
    order = np.lexsort((-score, codes))  # stable: ties keep the file order
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]]
    used = np.zeros(len(codes), dtype=bool)
    used[first] = True
    return values[first], np.asarray(names, dtype=object), used
