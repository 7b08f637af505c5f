"""Predict many perturbed copies of the same rows in few, memory-bounded calls.

Each job is one perturbed copy of the rows (for example a gene set and a
shift). Conceptually the copies are stacked into one tall matrix; that matrix
is never built. A block of whole copies (or, when one copy exceeds the budget,
a slice of rows of one copy) of at most ``max_batch_bytes`` is tiled once into
a template. For each ``predict_proba`` call only the perturbed columns of the
template are written, and they are restored from the original rows after the
call, so the per-call cost beyond the prediction itself is proportional to the
perturbed columns, not to the whole block. The estimator gets a read-only view:
one that modified its input in place would fail loudly instead of corrupting
later blocks. The block layout depends only on the data and the budget, never
on ``n_jobs``, so parallel runs give identical numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs


class StackedPredictor:
    """Positive-class probabilities of perturbed copies of ``X_rows``.

    Parameters
    ----------
    predict_proba : callable
        The fitted estimator's ``predict_proba``.
    X_rows : ndarray of shape (n_rows, n_features)
        The rows to perturb (never modified).
    columns : pandas.Index or None
        Column names: blocks are passed as DataFrames with these columns, as the
        estimator saw in ``fit``; None passes arrays.
    perturb : callable
        ``perturb(segment, job)`` changes ``segment``, a view of some original
        rows, in place as ``job`` says and returns the columns it changed (an
        index array, empty for none, or ``slice(None)`` for all).
    pos_index : int
        Column of ``predict_proba``'s output holding the positive class.
    max_batch_bytes : int
        Largest block of input passed to one ``predict_proba`` call.
    """

    def __init__(self, predict_proba, X_rows, columns, perturb, pos_index, max_batch_bytes):
        self.predict_proba = predict_proba
        self.X_rows = X_rows
        self.columns = columns
        self.perturb = perturb
        self.pos_index = pos_index
        n_rows, n_features = X_rows.shape
        self.max_rows = max(1, int(max_batch_bytes // (n_features * X_rows.itemsize)))
        self.copies_per_block = self.max_rows // n_rows  # 0: a copy needs several blocks

    def blocks(self, n_jobs_total):
        """One list of ``(job, row_start, row_stop)`` segments per ``predict_proba`` call."""
        n_rows = self.X_rows.shape[0]
        per_block = self.copies_per_block
        if per_block:
            return [[(job, 0, n_rows) for job in range(first, min(first + per_block, n_jobs_total))]
                    for first in range(0, n_jobs_total, per_block)]
        return [[(job, start, min(start + self.max_rows, n_rows))]
                for job in range(n_jobs_total) for start in range(0, n_rows, self.max_rows)]

    def _predict_block(self, block):
        data = block
        if self.columns is not None:
            data = pd.DataFrame(block, columns=self.columns, copy=False)
        try:
            proba = np.asarray(self.predict_proba(data))
        except ValueError as error:
            if "read-only" not in str(error):
                raise
            raise ValueError(
                "The estimator modifies its input in place (e.g. a StandardScaler with "
                "copy=False), which perturbation needs to avoid; refit it with copy=True."
            ) from error
        if proba.ndim != 2 or proba.shape[0] != block.shape[0]:
            raise ValueError(
                f"predict_proba returned shape {proba.shape} for {block.shape[0]} rows; "
                "expected (n_rows, n_classes)."
            )
        return proba[:, self.pos_index]

    def _run(self, jobs, block_list):
        """Predict the given blocks; returns ``(job, row_start, row_stop, proba)`` items."""
        n_rows = self.X_rows.shape[0]
        n_copies = max(len(segments) for segments in block_list)
        template = np.tile(self.X_rows, (n_copies, 1))
        results = []
        for segments in block_list:
            # Segment k of a block sits at template rows k * n_rows + row_start.
            changed = []
            for k, (job, start, stop) in enumerate(segments):
                view = template[k * n_rows + start : k * n_rows + stop]
                changed.append((view, start, stop, self.perturb(view, jobs[job])))
            low = segments[0][1]
            high = (len(segments) - 1) * n_rows + segments[-1][2]
            block = template[low:high].view()
            block.flags.writeable = False
            try:
                proba = self._predict_block(block)
            finally:
                for view, start, stop, cols in changed:
                    view[:, cols] = self.X_rows[start:stop][:, cols]
            for k, (job, start, stop) in enumerate(segments):
                offset = k * n_rows + start - low
                results.append((job, start, stop, proba[offset : offset + stop - start]))
        return results

    def __call__(self, jobs, n_jobs=None):
        """Probabilities for each job: an array of shape (len(jobs), n_rows).

        ``jobs`` is a list of whatever ``perturb`` understands.
        """
        block_list = self.blocks(len(jobs))
        n_workers = min(effective_n_jobs(n_jobs), len(block_list))
        groups = np.array_split(np.arange(len(block_list)), n_workers)
        if n_workers == 1:
            parts = [self._run(jobs, block_list)]
        else:
            parts = Parallel(n_jobs=n_workers, prefer="threads")(
                delayed(self._run)(jobs, [block_list[i] for i in group]) for group in groups
            )
        out = np.empty((len(jobs), self.X_rows.shape[0]))
        for part in parts:
            for job, start, stop, proba in part:
                out[job, start:stop] = proba
        if not np.all(np.isfinite(out)):
            raise ValueError("The estimator returned non-finite probabilities for perturbed data.")
        return out
