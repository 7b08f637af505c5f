"""Checks on expression input shared by the loaders, the estimators and benchmark.

Every check here names what is wrong (which genes, which value), so that a
messy table from GEO fails with a message a user can act on, whichever entry
point it reaches first.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype
from sklearn.utils.validation import validate_data

#: How many offending names a message lists.
SHOW = 10

#: Largest magnitude a float32 holds; torch computes in float32.
FLOAT32_MAX = float(np.finfo(np.float32).max)

# Enough rows to tell integers from log values without copying a large matrix.
_COUNT_CHECK_ROWS = 200


class RawCountsWarning(UserWarning):
    """Warning raised when expression values look like raw (unlogged) counts."""


def joined(texts, total=None):
    """The first ``SHOW`` texts joined by commas, then ``and N more`` of ``total``."""
    texts = list(texts)
    total = len(texts) if total is None else total
    return ", ".join(texts[:SHOW]) + (f" and {total - SHOW} more" if total > SHOW else "")


def listing(names, total=None):
    """The first few names, quoted, for a message: ``'A', 'B' and 3 more``."""
    names = list(names)
    return joined([repr(str(n)) for n in names[:SHOW]], len(names) if total is None else total)


def non_numeric_columns(frame, *, allow_bool=True):
    """Find the columns of a DataFrame that do not hold numbers.

    Returns ``(converted, problems)``: ``converted`` maps the position of each
    text column whose every value parses as a number to those numbers;
    ``problems`` describes each other column by name and a first bad value,
    e.g. ``"'G4' (e.g. 'high' for sample 's0')"``. Boolean columns count as
    numbers only with ``allow_bool``.
    """
    converted, problems = {}, []
    # dtype kinds first: one cheap pass over 15,000 columns; only the others are inspected.
    numeric_kinds = "iufcb" if allow_bool else "iufc"
    others = [j for j, dtype in enumerate(frame.dtypes) if dtype.kind not in numeric_kinds]
    for position in others:
        is_bool = is_bool_dtype(frame.dtypes.iloc[position])
        column = frame.iloc[:, position]
        numbers = pd.to_numeric(column, errors="coerce") if not is_bool else column
        failed = column.notna() & (numbers.isna() | (is_bool and not allow_bool))
        if failed.any():
            sample = failed.idxmax()
            value = column[sample]
            value = value.item() if isinstance(value, np.generic) else value  # True, not np.True_
            problems.append(
                f"{frame.columns[position]!r} (e.g. {value!r} for sample {sample!r})"
            )
        else:
            converted[position] = numbers
    return converted, problems


def non_numeric_error(problems, advice):
    """The ValueError for :func:`non_numeric_columns`' problems."""
    return ValueError(
        f"Expression values must be numeric; {len(problems)} column(s) hold other "
        f"values: {joined(problems)}. {advice}"
    )


def check_frame(X, who):
    """Refuse a DataFrame without columns, with repeated or text columns, naming them.

    Other inputs pass unchanged: scikit-learn's ``validate_data`` checks them
    next, with messages that already say what is wrong. Its message for a
    text column quotes the value but not the column, hence this check; and
    repeated gene names are refused here whatever the scikit-learn version
    (only recent ones refuse them in ``validate_data``).
    """
    if not isinstance(X, pd.DataFrame):
        return
    if X.shape[1] == 0:
        raise ValueError(
            f"Found a DataFrame with 0 feature(s) (shape={X.shape}) while a minimum of 1 "
            f"is required by {who}."
        )
    counts = X.columns.value_counts()
    repeated = counts[counts > 1]
    if len(repeated):
        raise ValueError(
            f"{who} needs unique column names (one column per gene); repeated: "
            + joined([f"{name!r} {n} times" for name, n in repeated.items()], len(repeated))
            + ". Combine or rename them first, e.g. with load_expression(duplicates=...)."
        )
    _, problems = non_numeric_columns(X)
    if problems:
        raise non_numeric_error(problems, "Convert them to numbers or drop them first.")


def check_finite(X, feature_names=None, *, who, float32=True, subject="Input X"):
    """Raise a ValueError naming the features of X that hold NaN or infinite values.

    With ``float32``, magnitudes beyond the float32 range count too: torch
    computes in float32, where they would become infinite and then NaN.
    """
    X = np.asarray(X)
    if X.dtype.kind != "f" or X.size == 0:
        return
    limit = FLOAT32_MAX if float32 and X.dtype.itemsize > 4 else np.inf
    # Fast path without temporaries: NaN or inf anywhere shows in the extremes.
    low, high = X.min(), X.max()
    if np.isfinite(low) and np.isfinite(high) and max(-low, high) <= limit:
        return
    with np.errstate(invalid="ignore"):
        n_nan = np.isnan(X).sum(axis=0)
        n_inf = np.isinf(X).sum(axis=0)
        n_big = (np.abs(np.where(np.isfinite(X), X, 0)) > limit).sum(axis=0)
    bad = np.flatnonzero(n_nan + n_inf + n_big)
    if not len(bad):
        return
    names = (np.asarray(feature_names)[bad] if feature_names is not None
             else [f"column {j}" for j in bad])
    details = []
    for name, j in zip(names[:SHOW], bad[:SHOW], strict=False):
        counts = [(n_nan[j], "NaN"), (n_inf[j], "inf"), (n_big[j], "beyond float32")]
        details.append(f"{str(name)!r} ({', '.join(f'{n} {what}' for n, what in counts if n)})")
    what = "NaN or infinite values"
    if n_big.any():
        what = "NaN, infinite values or values beyond the float32 range (about 3.4e38)"
    note = (" (as float32, values beyond about 3.4e38 are inf)"
            if X.dtype.itemsize == 4 and n_inf.any() else "")
    raise ValueError(
        f"{subject} contains {what} in {len(bad)} column(s): {joined(details, len(bad))}{note}. "
        f"{who} needs finite values: impute or drop them first."
    )


def check_no_missing_labels(y):
    """Refuse labels with None or NaN, which scikit-learn's checks let through or misname."""
    if y is None:
        return
    missing = np.flatnonzero(pd.isna(np.asarray(y, dtype=object)).ravel())
    if len(missing):
        raise ValueError(
            f"y contains {len(missing)} missing label(s) (None or NaN), first at row "
            f"{missing[0]}; drop those samples or give them a class."
        )


def check_finite_input(estimator, X):
    """:func:`check_finite` on an estimator's input, naming its features and its class."""
    check_finite(X, getattr(estimator, "feature_names_in_", None), who=type(estimator).__name__)


def validate_expression(estimator, X, *, reset, dtype=(np.float64, np.float32),
                        min_samples=1):
    """An estimator's expression input: columns, then scikit-learn's checks, then values.

    :func:`check_frame` names bad columns, scikit-learn's ``validate_data``
    records or compares the features (``reset``) and converts to ``dtype``,
    and :func:`check_finite_input` names the genes holding NaN or infinite
    values (scikit-learn's own finiteness check is skipped: it names none).
    """
    check_frame(X, type(estimator).__name__)
    X = validate_data(estimator, X, reset=reset, dtype=dtype, ensure_all_finite=False,
                      ensure_min_samples=min_samples)
    check_finite_input(estimator, X)
    return X


def looks_like_counts(X):
    """Whether values look like raw counts: non-negative integers reaching above 100.

    Beyond 1e12 every float is an integer and no count is that large: such
    values are not counts, whatever else is wrong with them.
    """
    values = X.to_numpy() if isinstance(X, pd.DataFrame) else np.asarray(X)
    if values.size == 0 or values.dtype.kind not in "fiu":
        return False
    with np.errstate(invalid="ignore"):
        if not (100 < np.nanmax(values) <= 1e12 and np.nanmin(values) >= 0):
            return False
    rows = values[:_COUNT_CHECK_ROWS]
    finite = rows[np.isfinite(rows)]
    return bool(np.array_equal(finite, np.round(finite)))


def warn_if_counts(X, stacklevel=3):
    """Warn (RawCountsWarning) when X looks like raw counts rather than log values."""
    if looks_like_counts(X):
        values = X.to_numpy() if isinstance(X, pd.DataFrame) else np.asarray(X)
        warnings.warn(
            f"Expression values look like raw counts (non-negative integers up to "
            f"{np.nanmax(values):.0f}); models here expect log-scale values, e.g. "
            "numpy.log2(X + 1) of normalised counts.",
            RawCountsWarning,
            stacklevel=stacklevel + 1,
        )
