"""Loading expression matrices and class labels into aligned pandas objects."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import StrOptions, validate_params
from skgenecyt._validation import (
    check_finite,
    non_numeric_columns,
    non_numeric_error,
    warn_if_counts,
)
from skgenecyt._validation import listing as _listing

_TEXT_SEPARATORS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": "\t"}
_PARQUET = (".parquet", ".pq")
_H5AD = (".h5ad",)
_LABEL_NAMES = ("label", "labels", "y", "class", "target", "status", "condition", "group",
                "disease", "diagnosis")  # fmt: skip


def _file_kind(path):
    """Return (kind, separator) for a path from its (possibly .gz) extension."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in _TEXT_SEPARATORS:
        return "text", _TEXT_SEPARATORS[suffix]
    if suffix in _PARQUET and path.suffix.lower() != ".gz":
        return "parquet", None
    if suffix in _H5AD and path.suffix.lower() != ".gz":
        return "h5ad", None
    raise ValueError(
        f"Cannot tell the format of {str(path)!r} from its extension. Supported: "
        ".csv, .tsv, .tab, .txt (each optionally .gz), .parquet, .pq and .h5ad."
    )


def _existing_path(path, what):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} file not found: {str(path)!r}.")
    return path


def _read_text_table(path, sep):
    """Read a delimited table; first column is the row index, header kept verbatim."""
    try:
        # pandas renames repeated header names ("A", "A.1"); read the header
        # separately so that duplicate gene names can be detected.
        header = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str,
                             keep_default_na=False).iloc[0].tolist()  # fmt: skip
        body = pd.read_csv(path, sep=sep, header=None, skiprows=1, index_col=0,
                           dtype={0: str}, low_memory=False)  # fmt: skip
    except pd.errors.EmptyDataError:
        raise ValueError(f"{str(path)!r} is empty or has only a header line.") from None
    except pd.errors.ParserError as error:
        raise ValueError(f"Cannot parse {str(path)!r} (separator {sep!r}): {error}") from None
    if len(header) == body.shape[1] + 1:
        body.columns = header[1:]
    elif len(header) == body.shape[1]:  # header without a corner cell (R write.table)
        body.columns = header
    else:
        raise ValueError(
            f"{str(path)!r}: the header has {len(header)} fields but the rows have "
            f"{body.shape[1] + 1}; is the separator {sep!r} right?"
        )
    body.index.name = None
    return body


def _read_parquet(path):
    try:
        frame = pd.read_parquet(path)
    except ImportError as error:
        raise ImportError(
            "Reading parquet files needs pyarrow: pip install 'skgenecyt[parquet]'."
        ) from error
    if isinstance(frame.index, pd.RangeIndex) and frame.shape[1] > 1:
        first = frame.columns[0]
        if not is_numeric_dtype(frame[first]):  # ids stored as an ordinary column
            frame = frame.set_index(first)
            frame.index.name = None
    frame.index = frame.index.astype(str)
    return frame


def _is_anndata(obj):
    return all(hasattr(obj, name) for name in ("obs", "var_names", "obs_names", "X"))


def _anndata_frame(adata, layer):
    """Return (samples x genes DataFrame, obs) from an AnnData object."""
    if layer is None:
        values = adata.X
    elif layer in adata.layers:
        values = adata.layers[layer]
    else:
        raise ValueError(f"AnnData has no layer {layer!r}; layers: {list(adata.layers)}.")
    if hasattr(values, "toarray"):  # scipy sparse matrix
        values = values.toarray()
    frame = pd.DataFrame(
        np.asarray(values),
        index=pd.Index(adata.obs_names.astype(str)),
        columns=pd.Index(adata.var_names.astype(str)),
    )
    return frame, adata.obs.set_axis(frame.index)


def _read_h5ad(path, layer):
    try:
        import anndata
    except ImportError as error:
        raise ImportError(
            "Reading .h5ad files needs the optional dependency anndata: "
            "pip install 'skgenecyt[anndata]'."
        ) from error
    return _anndata_frame(anndata.read_h5ad(path), layer)


def _load_frame(expression, genes_as_rows, sep, layer):
    """Return (frame with samples as rows, obs or None, description of the source)."""
    if isinstance(expression, pd.DataFrame):
        frame = expression.T if genes_as_rows else expression
        return frame.copy(), None, "DataFrame"
    if _is_anndata(expression):
        if genes_as_rows:
            raise ValueError("genes_as_rows does not apply to AnnData (observations are rows).")
        frame, obs = _anndata_frame(expression, layer)
        return frame, obs, "AnnData"
    if not isinstance(expression, str | os.PathLike):
        raise TypeError(
            "expression must be a path, a pandas DataFrame or an AnnData, "
            f"got {type(expression).__name__}."
        )
    path = _existing_path(expression, "Expression")
    kind, default_sep = _file_kind(path)
    obs = None
    if kind == "text":
        frame = _read_text_table(path, default_sep if sep is None else sep)
    elif kind == "parquet":
        frame = _read_parquet(path)
    else:
        if genes_as_rows:
            raise ValueError("genes_as_rows does not apply to .h5ad files.")
        frame, obs = _read_h5ad(path, layer)
    if genes_as_rows:
        frame = frame.T
    return frame, obs, str(path)


def _check_ids(frame):
    """Make gene names strings and refuse empty tables and repeated sample ids."""
    frame.columns = frame.columns.map(str)
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"The expression table is empty ({frame.shape[0]} samples x "
                         f"{frame.shape[1]} genes).")  # fmt: skip
    repeated = frame.index[frame.index.duplicated()].unique()
    if len(repeated):
        raise ValueError(f"Sample ids must be unique; repeated: {_listing(repeated)}.")
    return frame


def _to_float(frame):
    """Convert every column to float64, naming the columns that are not numeric."""
    converted, problems = non_numeric_columns(frame, allow_bool=False)
    if problems:
        raise non_numeric_error(problems, "If one of them holds the class labels, pass its "
                                          "name as labels=<column name>.")
    if converted:
        frame = frame.copy()
        for position, numbers in converted.items():
            frame.isetitem(position, numbers)
    return frame.astype(np.float64)


def _resolve_duplicates(frame, duplicates):
    repeated = frame.columns[frame.columns.duplicated()].unique()
    if not len(repeated):
        return frame
    if duplicates == "error":
        raise ValueError(
            f"{len(repeated)} gene name(s) occur more than once: {_listing(repeated)}. "
            "Pass duplicates='mean' to average them or duplicates='first' to keep the "
            "first occurrence."
        )
    if duplicates == "first":
        return frame.loc[:, ~frame.columns.duplicated()]
    return frame.T.groupby(level=0, sort=False).mean().T


def _looks_like_label_file(name):
    """Whether a string names a label file rather than a column."""
    path = Path(name)
    suffixes = [suffix.lower() for suffix in path.suffixes if suffix.lower() != ".gz"]
    return path.is_file() or bool(suffixes and suffixes[-1] in _TEXT_SEPARATORS)


def _labels_from_file(path, label_column, sep, sample_ids):
    """Read labels from a delimited file: first column sample ids, one label column."""
    path = _existing_path(path, "Labels")
    kind, default_sep = _file_kind(path)
    if kind != "text":
        raise ValueError(f"Labels file {str(path)!r} must be a CSV/TSV/TXT table.")
    table = pd.read_csv(path, sep=default_sep if sep is None else sep, header=None, dtype=str)
    if table.shape[1] < 2:
        raise ValueError(f"Labels file {str(path)!r} needs two columns: sample id and label.")
    if table.iloc[0, 0] in set(map(str, sample_ids)):  # no header line
        if table.shape[1] != 2:
            raise ValueError(
                f"Labels file {str(path)!r} has no header and {table.shape[1]} columns; "
                "add a header line and pass label_column=<name>."
            )
        names = ["sample", "label"]
        column = "label"
    else:
        names = table.iloc[0].tolist()
        table = table.iloc[1:]
        column = _pick_label_column(names, label_column, path)
    table.columns = names
    labels = table.set_index(names[0])[column]
    labels.index.name = None
    numbers = pd.to_numeric(labels, errors="coerce")
    if numbers.notna().sum() == labels.notna().sum():  # numeric labels such as 0/1
        integral = numbers.dropna().eq(numbers.dropna().round()).all()
        labels = numbers.astype("Int64" if numbers.isna().any() else int) if integral else numbers
    return labels


def _pick_label_column(names, label_column, path):
    if label_column is not None:
        if label_column not in names[1:]:
            raise ValueError(
                f"Labels file {str(path)!r} has no column {label_column!r}; "
                f"columns: {names}."
            )
        return label_column
    if len(names) == 2:
        return names[1]
    for name in names[1:]:
        if str(name).strip().lower() in _LABEL_NAMES:
            return name
    raise ValueError(
        f"Cannot tell which column of {str(path)!r} holds the labels (columns: {names}); "
        "pass label_column=<name>."
    )


def _align_labels(labels, samples):
    """Reorder labels to the sample ids; list mismatches in both directions."""
    if not isinstance(labels, pd.Series):
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) != len(samples):
            raise ValueError(
                f"labels given as an array must be 1-D with one value per sample "
                f"({len(samples)}), got shape {values.shape}."
            )
        return pd.Series(values, index=samples, name="label")
    keys = labels.index.map(str)
    repeated = keys[keys.duplicated()].unique()
    if len(repeated):
        raise ValueError(f"Label sample ids must be unique; repeated: {_listing(repeated)}.")
    sample_keys = samples.map(str)
    without_label = sample_keys.difference(keys, sort=False)
    without_sample = keys.difference(sample_keys, sort=False)
    if len(without_label) or len(without_sample):
        parts = []
        if len(without_label):
            parts.append(f"{len(without_label)} sample(s) without a label: "
                         f"{_listing(without_label)}")  # fmt: skip
        if len(without_sample):
            parts.append(f"{len(without_sample)} label(s) for unknown samples: "
                         f"{_listing(without_sample)}")  # fmt: skip
        raise ValueError("Labels do not match the sample ids; " + "; ".join(parts) + ".")
    aligned = pd.Series(labels.to_numpy(), index=keys, name=labels.name).loc[sample_keys]
    aligned.index = samples
    missing = aligned.index[aligned.isna()]
    if len(missing):
        raise ValueError(f"{len(missing)} sample(s) have a missing label: {_listing(missing)}.")
    return aligned


@validate_params(
    {
        # A path, a DataFrame or an AnnData (recognised by its attributes): checked below.
        "expression": "no_validation",
        "labels": [None, str, os.PathLike, "array-like"],
        "genes_as_rows": ["boolean"],
        "label_column": [str, None],
        "sep": [str, None],
        "duplicates": [StrOptions({"error", "first", "mean"})],
        "layer": [str, None],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_expression(
    expression,
    labels=None,
    *,
    genes_as_rows=False,
    label_column=None,
    sep=None,
    duplicates="error",
    layer=None,
    return_X_y=False,
):
    """Load an expression matrix and class labels as aligned pandas objects.

    Reads a samples x genes matrix from a file or an in-memory object, checks
    it, and returns it as a float DataFrame (rows: sample ids, columns: gene
    names as strings) together with labels aligned to its rows.

    Supported inputs:

    * delimited text: ``.csv`` (comma), ``.tsv``, ``.tab`` or ``.txt`` (tab),
      each optionally gzipped (``.csv.gz``); a header line with the column
      names, the first column holds the row ids. A header without a corner
      cell (as R's ``write.table`` writes) is accepted;
    * ``.parquet`` / ``.pq`` (needs pyarrow): the stored index, or else a
      first non-numeric column, holds the row ids;
    * ``.h5ad`` (needs anndata) and in-memory ``AnnData``: ``obs_names`` are
      the samples, ``var_names`` the genes, ``X`` (or ``layer``) the values;
    * an in-memory :class:`pandas.DataFrame` (copied, never modified).

    Policies:

    * Values must be numeric and finite; a :class:`ValueError` names the
      offending columns (with an example value and sample for non-numeric
      ones).
    * Sample ids must be unique. Gene names that occur more than once raise a
      :class:`ValueError` listing them unless ``duplicates`` says otherwise.
    * Non-negative integer values above 100 trigger a :class:`RawCountsWarning`
      because the models expect log-scale expression.
    * Labels are matched to samples by id (compared as strings). Any sample
      without a label, label for an unknown sample, or missing label value
      raises a :class:`ValueError` that lists them, in both directions.

    Parameters
    ----------
    expression : str, path-like, pandas.DataFrame or AnnData
        The expression matrix or the path to it.
    labels : None, str, path-like, pandas.Series or array-like, default=None
        The class labels. A string that names a column of the expression
        table (or of ``AnnData.obs``) takes that column out of the table;
        otherwise a string or path is a label file: a delimited table whose
        first column holds sample ids, with a header line naming the label
        column (the only other column, ``label_column``, or the first column
        called label, labels, y, class, target, status, condition, group,
        disease or diagnosis, case-insensitively); a headerless two-column file
        is recognised when its first cell is a sample id. A Series is matched
        by its index; an array-like is taken in sample order.
    genes_as_rows : bool, default=False
        Set True when the table has genes as rows and samples as columns (it is
        transposed after reading). Not used for AnnData.
    label_column : str, default=None
        Name of the label column in a label file with several columns.
    sep : str, default=None
        Separator of delimited files; None infers it from the extension.
    duplicates : {"error", "first", "mean"}, default="error"
        What to do with repeated gene names: raise, keep the first column, or
        average the columns.
    layer : str, default=None
        AnnData layer to read instead of ``X``.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``X`` (DataFrame, samples x genes, float64), ``y`` (Series
        indexed like ``X``, or None without labels) and ``source`` (the path,
        or ``"DataFrame"`` / ``"AnnData"``).
    (X, y) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If the expression or label file does not exist.
    ImportError
        If reading parquet or .h5ad needs a package that is not installed.
    ValueError
        For the data problems listed above and unknown file extensions.

    See Also
    --------
    match_modules : Check which module genes the loaded columns contain.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.datasets import load_expression
    >>> table = pd.DataFrame(
    ...     {"SOCS3": [5.1, 7.3, 6.0], "NFKBIA": [8.0, 9.5, 8.7], "status": [0, 1, 1]},
    ...     index=["s1", "s2", "s3"],
    ... )
    >>> X, y = load_expression(table, labels="status", return_X_y=True)
    >>> X.columns.tolist(), y.tolist()
    (['SOCS3', 'NFKBIA'], [0, 1, 1])
    >>> data = load_expression(table.drop(columns="status"), labels=pd.Series(
    ...     [1, 0, 1], index=["s3", "s1", "s2"]))
    >>> data.y.to_dict()
    {'s1': 0, 's2': 1, 's3': 1}
    """
    frame, obs, source = _load_frame(expression, genes_as_rows, sep, layer)
    frame = _check_ids(frame)

    y = None
    if isinstance(labels, str) and labels in frame.columns:
        if (frame.columns == labels).sum() > 1:
            raise ValueError(f"The label column {labels!r} occurs more than once.")
        y = frame.pop(labels)
    elif isinstance(labels, str) and obs is not None and labels in obs.columns:
        y = obs[labels]
    elif isinstance(labels, str | os.PathLike):
        if isinstance(labels, str) and not _looks_like_label_file(labels):
            raise ValueError(
                f"labels={labels!r} is neither a column of the expression table (columns: "
                f"{_listing(frame.columns)}) nor a .csv/.tsv/.txt file."
            )
        y = _labels_from_file(labels, label_column, sep, frame.index)
    elif labels is not None:
        y = labels

    frame = _to_float(frame)
    check_finite(frame.to_numpy(), frame.columns, who="load_expression", float32=False,
                 subject="The expression table")
    frame = _resolve_duplicates(frame, duplicates)
    warn_if_counts(frame, stacklevel=2)
    if y is not None:
        y = _align_labels(y, frame.index)
    if return_X_y:
        return frame, y
    return Bunch(X=frame, y=y, source=source)
