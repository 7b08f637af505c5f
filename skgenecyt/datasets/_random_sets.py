"""Random gene sets matched on expression: the control for prior gene sets, and the null.

A gene set can look useful only because of its size or because its genes are
highly expressed or highly variable. The fair control is a random set of the
same size whose genes have about the same expression level (and spread):
:func:`random_gene_sets` draws one per set, for a model trained on random
sets beside the one trained on the real ones, and
:func:`matched_gene_sets` draws many per set, for the null of the
perturbation test (:func:`~skgenecyt.perturbation_effects`). Both use the
matching below.

Matching: genes are binned into quantile bins of each statistic (e.g. the
training mean, or the mean and the variance, whose bins are then crossed), and
every gene of the set is replaced by a gene from its own bin. When a bin holds
too few candidates, the number of bins is halved until every bin can supply
its share; one bin is plain uniform sampling.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

from skgenecyt._sklearn_compat import Interval, validate_params
from skgenecyt._validation import check_finite, check_frame

from ._modules import locate_modules, resolve_modules


def expression_bins(level, n_bins):
    """Bin genes into ``n_bins`` quantile bins of ``level`` (e.g. mean expression)."""
    edges = np.quantile(level, np.linspace(0, 1, n_bins + 1)[1:-1])
    return np.searchsorted(edges, level, side="right")


def _cells(level, n_bins):
    """The matching cell of every gene: its bin, or its bins crossed over several statistics."""
    if level.ndim == 1:
        return expression_bins(level, n_bins)
    cells = np.zeros(level.shape[0], dtype=np.intp)
    for column in level.T:
        cells = cells * n_bins + expression_bins(column, n_bins)
    return cells


def matched_plan(indices, n_features, level, n_bins, exclude=None, advice=""):
    """``[(pool, count)]``: how many genes to draw from which pool of candidate genes.

    The pools hold neither the set's own genes (``indices``) nor those marked
    in ``exclude``. With ``level`` given, each gene of the set is replaced by a
    candidate of its own cell (see the module docstring).
    """
    outside = np.ones(n_features, dtype=bool)
    outside[indices] = False
    if exclude is not None:
        outside &= ~exclude
    size = len(indices)
    if outside.sum() < size:
        raise ValueError(
            f"A gene set of {size} genes leaves only {int(outside.sum())} genes outside the "
            "given sets (and the random sets drawn before it), too few "
            f"to draw random gene sets of the same size{'; ' + advice if advice else ''}."
        )
    n_bins = 1 if level is None or n_bins is None else n_bins
    level = None if level is None else np.asarray(level, dtype=float)
    while n_bins > 1:
        cells = _cells(level, n_bins)
        needed, counts = np.unique(cells[indices], return_counts=True)
        pools = [np.flatnonzero(outside & (cells == cell)) for cell in needed]
        if all(len(pool) >= c for pool, c in zip(pools, counts)):
            return list(zip(pools, counts))
        n_bins //= 2
    return [(np.flatnonzero(outside), size)]


def matched_gene_sets(indices, n_features, n_draws, rng, level=None, n_bins=10, exclude=None,
                      advice=""):
    """Draw ``n_draws`` gene sets of the set's size from the genes outside it.

    Parameters
    ----------
    indices : ndarray of int
        Column indices of the set's genes.
    n_features : int
        Number of columns in the data.
    n_draws : int
        Number of random gene sets.
    rng : numpy.random.Generator
    level : ndarray of shape (n_features,) or (n_features, n_statistics), or None
        Per-gene statistics to match on (e.g. the training mean, or the mean
        and variance as columns); None draws uniformly from all candidates.
    n_bins : int or None
        Number of quantile bins of each statistic.
    exclude : ndarray of bool of shape (n_features,), default=None
        Genes never drawn, besides the set's own.
    advice : str
        Added to the error raised when too few genes are left to draw from.

    Returns
    -------
    sets : ndarray of shape (n_draws, len(indices))
        Column indices; genes within one set are distinct.
    """
    if n_draws == 0:
        return np.empty((0, len(indices)), dtype=np.intp)
    plan = matched_plan(np.asarray(indices), n_features, level, n_bins, exclude, advice)
    parts = []
    for pool, count in plan:
        # The `count` smallest of independent uniform keys: a draw without
        # replacement for every set at once.
        keys = rng.random((n_draws, len(pool)))
        pick = np.argpartition(keys, count - 1, axis=1)[:, :count]
        parts.append(pool[pick])
    return np.concatenate(parts, axis=1)


@validate_params(
    {
        "gene_sets": "no_validation",  # resolve_modules names what it accepts
        "X": ["array-like"],
        "random_state": ["random_state"],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def random_gene_sets(gene_sets, X, random_state=None, *, n_bins=10):
    """Random gene sets of the same sizes as ``gene_sets``, matched on expression.

    The control for a model guided by prior gene sets: a knowledge-primed
    model may beat an unguided one only because it looks at fewer, or at
    highly expressed or variable, genes. The same model trained on these
    random sets shows what the biology adds beyond that.

    Each set is replaced by as many genes as it has in ``X``, drawn from the
    genes of no given set; every gene of the set is replaced by one of about
    the same mean expression and variance over the rows of ``X`` (quantile
    bins of the mean crossed with quantile bins of the variance; when a bin
    holds too few candidates the bins are coarsened, down to uniform
    sampling). The sets are drawn one after the other without replacement,
    so the random sets share no gene with each other. The labels play no
    part: drawing once on all training rows leaks no label into a
    cross-validation (the test folds' rows do count in the gene means and
    variances, without their labels). Never draw on a holdout.

    Parameters
    ----------
    gene_sets : dict, str or path-like
        The sets: a dict ``name -> genes`` (gene names, or column indices of
        an array), the path of a GMT file, or ``"cytokine"`` for the built-in
        IL6, TNF and IL1B modules. Resolved as everywhere in skgenecyt (see
        :func:`~skgenecyt.datasets.match_modules`); genes absent from ``X``
        are left out, so each random set has the size of the set's genes
        present in ``X``.
    X : array-like or DataFrame of shape (n_samples, n_genes)
        Expression (e.g. log2) of the training rows, genes as columns.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.
    n_bins : int, default=10
        Quantile bins of the mean and of the variance (``n_bins ** 2`` cells);
        1 draws uniformly. With 3,000 genes or more, the default keeps each
        random set's mean expression and mean log variance within about a
        tenth of their SD over all genes from those of the set.

    Returns
    -------
    random_sets : dict of str to list
        The same names, in the same order, each with a random set of the
        same size: gene names when ``X`` is a DataFrame and the set named
        genes, column indices otherwise.

    See Also
    --------
    skgenecyt.make_genecytnet : ``gene_sets=`` takes the result.
    match_modules : Which genes of each set are present.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgenecyt.datasets import random_gene_sets
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(8, 1, size=(30, 200)),
    ...                  columns=[f"G{i}" for i in range(200)])
    >>> sets = {"A": ["G0", "G1", "G2"], "B": ["G3", "G4"]}
    >>> control = random_gene_sets(sets, X, random_state=0)
    >>> {name: len(genes) for name, genes in control.items()}
    {'A': 3, 'B': 2}
    >>> set(control["A"]) & {"G0", "G1", "G2", "G3", "G4"}
    set()
    """
    sets = resolve_modules(gene_sets)
    names = None
    if isinstance(X, pd.DataFrame):
        check_frame(X, "random_gene_sets")
        names = [str(column) for column in X.columns]
    values = check_array(X, dtype=np.float64, ensure_all_finite=False, input_name="X")
    check_finite(values, names, who="random_gene_sets", float32=False)
    n_features = values.shape[1]
    matched = locate_modules(sets, names, n_features=n_features)
    level = np.column_stack([values.mean(axis=0), values.var(axis=0)])
    taken = np.zeros(n_features, dtype=bool)
    for m in matched:
        taken[m.indices] = True
    rng = np.random.default_rng(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    out = {}
    for m in matched:
        drawn = matched_gene_sets(m.indices, n_features, 1, rng, level=level, n_bins=n_bins,
                                  exclude=taken)[0]
        taken[drawn] = True
        by_name = names is not None and isinstance(m.genes[0], str)
        out[m.name] = [names[j] for j in drawn] if by_name else [int(j) for j in drawn]
    return out
