"""What went wrong with a model's predictions, per split and summed up per model.

A model that gives every test sample the same score has a ROC AUC of 0.500
whatever the data; one that predicts a single class has an accuracy equal to
that class's share. Both look like numbers, so :func:`benchmark` names them:

* ``constant scores``: all positive-class scores of a test set are equal
  (within ``CONSTANT_TOLERANCE``, relative to the largest score);
* ``one class predicted``: every test sample gets the same predicted class
  although the test rows hold both classes;
* ``failed``: fitting or predicting raised an error (the split's metrics are
  NaN);
* ``test rows of one class``: the test rows hold one class only, so the ROC
  AUC is undefined (NaN).
"""

from __future__ import annotations

import numpy as np

from skgenecyt._validation import listing

CONSTANT = "constant scores"
ONE_CLASS_PREDICTED = "one class predicted"
FAILED = "failed"
ONE_CLASS_TEST = "test rows of one class"
#: Scores whose range is at most this share of their largest magnitude count as constant.
CONSTANT_TOLERANCE = 1e-9
#: Characters of an error message kept in a flag.
ERROR_CHARS = 100
#: The order in which flags are listed: the most serious first.
ORDER = (FAILED, CONSTANT, ONE_CLASS_PREDICTED, ONE_CLASS_TEST)


def error_text(exc):
    """``"Type: message"``, on one line and shortened for a table cell."""
    message = " ".join(str(exc).split())
    if len(message) > ERROR_CHARS:
        message = message[: ERROR_CHARS - 3].rstrip() + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def prediction_flags(y_true, y_score, y_pred, failed=False):
    """The problems of one set of test predictions, in the order of ``ORDER``."""
    if failed:
        return [FAILED]
    flags = []
    y_score = np.asarray(y_score, dtype=float)
    both_classes = np.unique(y_true).size == 2
    if y_score.size > 1:
        scale = max(1.0, float(np.max(np.abs(y_score))))
        if np.ptp(y_score) <= CONSTANT_TOLERANCE * scale:
            flags.append(CONSTANT)
    if both_classes and np.unique(y_pred).size == 1:
        flags.append(ONE_CLASS_PREDICTED)
    if y_score.size > 1 and not both_classes:
        flags.append(ONE_CLASS_TEST)
    return flags


def row_text(flags, error=None):
    """One split's flags as the text of a ``flags`` cell (empty when clean)."""
    return "; ".join(f"{FAILED}: {error}" if flag == FAILED and error else flag
                     for flag in flags)


def summary(rows, *, unit="splits", names=None):
    """A model's flags over its splits (or held-out cohorts), one text per kind of problem.

    Parameters
    ----------
    rows : list of (list of str, str or None)
        The flags of every split (or cohort) and its error text (None when
        it did not fail); the first error is quoted.
    unit : str, default="splits"
        What a row is, for the text ("splits", "held-out cohorts").
    names : list of str, default=None
        The name of every row; when given, the flagged rows are named
        (unless they are all of them).

    Examples
    --------
    >>> summary([(["constant scores"], None), ([], None), (["failed"], "ValueError: bad")])
    ['failed in 1/3 splits, first: ValueError: bad', 'constant scores in 1/3 splits']
    """
    texts = []
    for kind in ORDER:
        hits = [i for i, (flags, _) in enumerate(rows) if kind in flags]
        if not hits:
            continue
        text = f"{kind} in {len(hits)}/{len(rows)} {unit}"
        if names is not None and len(hits) < len(rows):
            text += f" ({listing([names[i] for i in hits])})"
        if kind == FAILED:
            text += f", first: {rows[hits[0]][1]}"
        elif kind == ONE_CLASS_TEST:
            text += ", no AUC"
        texts.append(text)
    return texts
