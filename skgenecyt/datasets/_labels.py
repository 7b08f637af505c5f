"""Class labels from a column of sample metadata."""

import warnings

import pandas as pd

from skgenecyt._sklearn_compat import validate_params
from skgenecyt._validation import joined, listing

from ._warnings import CohortWarning


def _key(value):
    """How metadata values and mapping keys are compared: stripped and case-folded."""
    return str(value).strip().casefold()


def _find_column(metadata, column):
    if column in metadata.columns:
        return column
    matches = [c for c in metadata.columns if _key(c) == _key(column)]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(
        f"The metadata has no column {column!r}; its columns are: "
        f"{listing(metadata.columns, total=len(metadata.columns))}."
    )


def _value_counts(values):
    counts = values.fillna("<missing>").astype(str).value_counts(sort=True)
    return [f"{value!r} ({count})" for value, count in counts.items()]


@validate_params(
    {"metadata": [pd.DataFrame], "column": [str], "mapping": [dict]},
    prefer_skip_nested_validation=True,
)
def labels_from_metadata(metadata, column, mapping):
    """Class labels for the samples whose metadata value is in ``mapping``.

    Values of ``metadata[column]`` and the keys of ``mapping`` are compared
    after stripping spaces and case-folding, so ``"Rheumatoid Arthritis "``
    matches the key ``"rheumatoid arthritis"``. Samples whose value maps to
    None are left out on purpose, without a warning (e.g. the osteoarthritis
    patients of a series that also holds RA patients and controls); samples
    whose value is not in ``mapping`` (or is missing) are left out with a
    :class:`CohortWarning` that lists those values and their counts.

    Parameters
    ----------
    metadata : pandas.DataFrame
        One row per sample, e.g. the ``metadata`` of
        :func:`read_geo_series_matrix`.
    column : str
        The column holding the class, e.g. ``"disease state"``; matched
        exactly, or else ignoring case and surrounding spaces when that
        names one column.
    mapping : dict
        Metadata value -> label (e.g. ``{"rheumatoid arthritis": 1,
        "healthy control": 0}``), or -> None to leave those samples out.

    Returns
    -------
    y : pandas.Series
        The labels of the kept samples, indexed by sample id in metadata
        order and named after ``column``.

    Raises
    ------
    ValueError
        If ``column`` is not a column (the message lists the columns), if two
        mapping keys are the same after stripping and case-folding but give
        different labels, or if no sample gets a label (the message lists the
        values that exist, with their counts).

    See Also
    --------
    read_geo_series_matrix : Reads the metadata of a GEO series.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt import labels_from_metadata
    >>> metadata = pd.DataFrame(
    ...     {"disease state": ["Rheumatoid arthritis", "healthy control",
    ...                        "osteoarthritis", "rheumatoid arthritis "]},
    ...     index=["GSM1", "GSM2", "GSM3", "GSM4"])
    >>> labels_from_metadata(metadata, "disease state", {
    ...     "rheumatoid arthritis": 1, "healthy control": 0, "osteoarthritis": None})
    GSM1    1
    GSM2    0
    GSM4    1
    Name: disease state, dtype: int64
    """
    name = _find_column(metadata, column)
    keys = {}
    for key, label in mapping.items():
        folded = _key(key)
        if folded in keys and keys[folded] != label:
            raise ValueError(
                f"The mapping gives {folded!r} two labels ({keys[folded]!r} and {label!r}); "
                "keys are compared after stripping and case-folding."
            )
        keys[folded] = label
    values = metadata[name]
    folded = values.map(lambda v: None if pd.isna(v) else _key(v))
    known = folded.isin(list(keys)) & values.notna()
    labels = pd.Series([keys[v] for v in folded[known]], index=folded.index[known],
                       dtype=object)
    keep = labels.notna()
    if not keep.any():
        raise ValueError(
            f"No sample has a label: none of the values of {name!r} "
            f"({joined(_value_counts(values))}) maps to a label in "
            f"{listing([k for k, v in keys.items() if v is not None])}."
        )
    unmapped = values[~known]
    if len(unmapped):
        unused = [key for key in keys if key not in set(folded.dropna())]
        note = f"; mapping keys that match no sample: {listing(unused)}" if unused else ""
        warnings.warn(
            f"{len(unmapped)} of {len(values)} sample(s) left out: their {name!r} is not in "
            f"the mapping: {joined(_value_counts(unmapped))}{note}. Map a value to None to "
            "leave its samples out on purpose.",
            CohortWarning,
            stacklevel=3,
        )
    y = labels[keep]
    return pd.Series(y.tolist(), index=y.index, name=name)  # int labels give int64
