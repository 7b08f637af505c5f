"""Predict many perturbed copies of the same rows in few, memory-bounded calls.

Each job is one perturbed copy of the rows (for example a gene set and a shift).
Conceptually the copies are stacked into one tall matrix of ``n_jobs * n_rows``
rows; that matrix is never built. It is cut into blocks of at most
``max_batch_bytes`` and each block is filled into a reused buffer right before
its ``predict_proba`` call. The block layout depends only on the data and the
budget, never on ``n_jobs``, so parallel runs give identical numbers.
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
        ``perturb(segment, job)`` changes ``segment``, a copy of some of the
        rows, in place as ``job`` says.
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
        row_bytes = X_rows.shape[1] * X_rows.itemsize
        self.rows_per_block = max(1, int(max_batch_bytes // row_bytes))

    def blocks(self, n_jobs_total):
        """``(start, stop)`` ranges of stacked rows, one per ``predict_proba`` call."""
        total = n_jobs_total * self.X_rows.shape[0]
        step = self.rows_per_block
        return [(start, min(start + step, total)) for start in range(0, total, step)]

    def _fill(self, buffer, jobs, start, stop):
        """Write stacked rows ``start:stop`` into ``buffer`` (a prefix of it)."""
        n_rows = self.X_rows.shape[0]
        pos, v = 0, start
        while v < stop:
            job, r0 = divmod(v, n_rows)
            r1 = min(n_rows, r0 + stop - v)
            segment = buffer[pos : pos + r1 - r0]
            segment[:] = self.X_rows[r0:r1]
            self.perturb(segment, jobs[job])
            pos += r1 - r0
            v += r1 - r0
        return buffer[:pos]

    def _predict_block(self, block):
        data = block
        if self.columns is not None:
            data = pd.DataFrame(block, columns=self.columns, copy=False)
        proba = np.asarray(self.predict_proba(data))
        if proba.ndim != 2 or proba.shape[0] != block.shape[0]:
            raise ValueError(
                f"predict_proba returned shape {proba.shape} for {block.shape[0]} rows; "
                "expected (n_rows, n_classes)."
            )
        return proba[:, self.pos_index]

    def _run(self, jobs, ranges):
        size = max(stop - start for start, stop in ranges)
        buffer = np.empty((size, self.X_rows.shape[1]), dtype=self.X_rows.dtype)
        return [(start, stop, self._predict_block(self._fill(buffer, jobs, start, stop)))
                for start, stop in ranges]

    def __call__(self, jobs, n_jobs=None):
        """Probabilities for each job: an array of shape (len(jobs), n_rows).

        ``jobs`` is a list of whatever ``perturb`` understands.
        """
        ranges = self.blocks(len(jobs))
        n_workers = min(effective_n_jobs(n_jobs), len(ranges))
        groups = [g.tolist() for g in np.array_split(np.arange(len(ranges)), n_workers)]
        if n_workers == 1:
            results = [self._run(jobs, ranges)]
        else:
            results = Parallel(n_jobs=n_workers, prefer="threads")(
                delayed(self._run)(jobs, [ranges[i] for i in group]) for group in groups
            )
        out = np.empty(len(jobs) * self.X_rows.shape[0])
        for part in results:
            for start, stop, proba in part:
                out[start:stop] = proba
        if not np.all(np.isfinite(out)):
            raise ValueError("The estimator returned non-finite probabilities for perturbed data.")
        return out.reshape(len(jobs), self.X_rows.shape[0])
