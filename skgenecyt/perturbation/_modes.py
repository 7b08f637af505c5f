"""Per-gene reference statistics and the perturbation modes.

Every mode takes one number, ``shift``, and ``shift=0`` leaves the data
unchanged, so the same dose axis serves all of them:

``"shift"``
    ``x + shift * sd``: move each gene by ``shift`` of its training standard
    deviation (negative values model inhibition).
``"scale"``
    ``mean + 2**shift * (x - mean)``: amplify (``shift > 0``) or damp
    (``shift < 0``) each gene's deviations from its training mean.
``"knockout"``
    ``x + shift * (low - x)``: move towards a low reference level, the
    training ``knockout_quantile`` of each gene (5th percentile by default);
    ``shift=1`` sets the gene to that level.
``"set_to"``
    ``x + shift * (target - x)``: move towards the mean of a reference group of
    training samples (by default the controls); ``shift=1`` sets the gene to it,
    e.g. RA patients' module genes set to the control mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODES = ("shift", "scale", "knockout", "set_to")


@dataclass(frozen=True)
class GeneStats:
    """Reference statistics of some genes, learned from training rows."""

    loc: np.ndarray  # mean
    scale: np.ndarray  # standard deviation (ddof=0, as StandardScaler)
    low: np.ndarray | None = None  # knockout level (mode "knockout")
    target: np.ndarray | None = None  # reference group mean (mode "set_to")

    def take(self, indices) -> GeneStats:
        """The statistics of a subset of these genes."""
        pick = lambda a: None if a is None else a[indices]  # noqa: E731
        return GeneStats(pick(self.loc), pick(self.scale), pick(self.low), pick(self.target))


def reference_mask(y, reference_class):
    """Boolean mask of the reference group's rows for mode ``"set_to"``.

    ``reference_class=None`` means the smallest label (the controls when labels
    are 0/1 with 1 = RA).
    """
    if y is None:
        raise ValueError(
            "mode='set_to' needs labels to find the reference group: pass y "
            "(or y_train) with the training rows."
        )
    y = np.asarray(y)
    labels = np.unique(y)
    if reference_class is None:
        reference_class = labels[0]
    elif reference_class not in labels:
        raise ValueError(
            f"reference_class={reference_class!r} is not among the labels {labels.tolist()}."
        )
    return y == reference_class


def fit_gene_stats(X, y=None, *, mode="shift", knockout_quantile=0.05, reference_class=None):
    """Learn the statistics that ``mode`` needs from the rows of ``X``."""
    X = np.asarray(X)
    low = target = None
    if mode == "knockout":
        low = np.quantile(X, knockout_quantile, axis=0)
    elif mode == "set_to":
        mask = reference_mask(y, reference_class)
        if len(mask) != X.shape[0]:
            raise ValueError(
                f"y has {len(mask)} labels but X has {X.shape[0]} rows; they must match."
            )
        target = X[mask].mean(axis=0)
    return GeneStats(loc=X.mean(axis=0), scale=X.std(axis=0), low=low, target=target)


def perturb_values(values, stats: GeneStats, mode: str, shift: float):
    """Perturbed copy of ``values`` (rows x genes) whose columns match ``stats``."""
    if mode == "shift":
        return values + shift * stats.scale
    if mode == "scale":
        return stats.loc + (2.0**shift) * (values - stats.loc)
    if mode == "knockout":
        return values + shift * (stats.low - values)
    if mode == "set_to":
        return values + shift * (stats.target - values)
    raise ValueError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
