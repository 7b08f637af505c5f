"""Reading GEO series matrix files: the expression table and the sample metadata."""

import csv
import io
import os
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import StrOptions, validate_params
from skgenecyt._validation import listing

from ._collapse import COLLAPSE_RULES, collapse_probes
from ._expression import _existing_path
from ._geo_platform import classify_probes, read_annotation
from ._text_files import find_line, line_number, read_bytes
from ._warnings import CohortWarning

_BEGIN = b"!series_matrix_table_begin"
_END = b"!series_matrix_table_end"
#: How GEO (and tools that write series matrices) spell a missing value.
_MISSING = ["null", "NULL", "Null", "NA", "NaN", "nan", ""]
#: Sample fields that become metadata columns, and their column names.
_SAMPLE_COLUMNS = {"!Sample_title": "title", "!Sample_source_name_ch1": "source"}
_CHARACTERISTICS = "!Sample_characteristics_ch1"


@dataclass
class _Field:
    key: str
    values: list
    line: int


@dataclass
class _SeriesFile:
    source: str
    fields: list  # every !Series_/!Sample_ line
    values: np.ndarray  # probes x samples, float64
    probe_ids: pd.Index
    sample_ids: list
    n_missing: int


def _header_fields(header, first_line=1):
    """The ``!Series_``/``!Sample_`` lines of the header, their fields unquoted."""
    fields = []
    text = header.decode("utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), start=first_line):
        if line.startswith(("!Series_", "!Sample_")):
            row = next(csv.reader([line], delimiter="\t"))
            fields.append(_Field(row[0].strip(), [v.strip() for v in row[1:]], number))
    return fields


def _row_lines(block, header_line):
    """File line number of every data row of the table block (blank lines skipped)."""
    lines = block.split(b"\n")
    return [header_line + k for k, line in enumerate(lines) if k and line.strip()]


def _check_field_counts(block, n_fields, header_line, source, rows=None):
    """Refuse the first line (of ``rows``, or of all) whose number of fields is not the header's."""
    lines = block.split(b"\n")
    numbers = range(1, len(lines)) if rows is None else [r - header_line for r in rows]
    for k in numbers:
        found = lines[k].count(b"\t") + 1
        if lines[k].strip() and found != n_fields:
            raise ValueError(
                f"{source}, line {header_line + k}: {found} fields, but the "
                f"table header (line {header_line}) has {n_fields} (the probe id and "
                f"{n_fields - 1} samples). The file is damaged or was edited by hand."
            )


def _table_header(block, header_line, source):
    end = block.find(b"\n")
    row = next(csv.reader([block[:end].decode("utf-8", errors="replace")], delimiter="\t"))
    names = [name.strip() for name in row]
    seen = {}
    for position, name in enumerate(names[1:], start=2):
        if name in seen:
            raise ValueError(
                f"{source}, line {header_line}: sample id {name!r} occurs twice in the table "
                f"header (columns {seen[name]} and {position}); sample ids must be unique."
            )
        seen[name] = position
    return names


def _check_values(table, block, header_line, source):
    """Refuse non-numeric and infinite values, naming the line and the sample."""
    bad_columns = [j for j, dtype in enumerate(table.dtypes) if dtype.kind not in "fiu"]
    if bad_columns:
        j = bad_columns[0]
        column = table.iloc[:, j].astype(object)
        numbers = pd.to_numeric(column.astype(str), errors="coerce")
        row = int(np.flatnonzero(column.notna().to_numpy() & numbers.isna().to_numpy())[0])
        raise ValueError(
            f"{source}, line {_row_lines(block, header_line)[row]}: sample "
            f"{table.columns[j]!r} holds {column.iloc[row]!r} for probe {table.index[row]!r}, "
            f"which is not a number ({len(bad_columns)} sample column(s) hold text). "
            "Missing values must be empty or 'null'."
        )
    values = table.to_numpy(dtype=np.float64)
    infinite = np.isinf(values)
    if infinite.any():
        row, j = (int(i[0]) for i in np.nonzero(infinite))
        raise ValueError(
            f"{source}, line {_row_lines(block, header_line)[row]}: sample "
            f"{table.columns[j]!r} holds an infinite value for probe {table.index[row]!r} "
            f"({int(infinite.sum())} infinite value(s) in all)."
        )
    return values


def _read_series_file(path):
    source = repr(str(path))
    data = read_bytes(path)
    begin = find_line(data, _BEGIN)
    if begin < 0:
        raise ValueError(
            f"{source} has no '!series_matrix_table_begin' line: it is not a GEO series "
            "matrix (GSExxx_series_matrix.txt.gz). A platform (GPL) file goes to annotation=."
        )
    start = data.find(b"\n", begin) + 1
    end = data.rfind(b"\n" + _END) + 1  # the marker is near the end: search from there
    if end <= 0 or end < start or not start:
        raise ValueError(
            f"{source}: the table that begins on line {line_number(data, begin)} has no "
            f"'!series_matrix_table_end' line (the file ends at line "
            f"{line_number(data, len(data.rstrip()))}): the file is truncated, e.g. by an "
            "interrupted download."
        )
    header_line = line_number(data, start)
    block = data[start:end]
    if not block[:block.find(b"\n")].strip():
        raise ValueError(f"{source}, line {header_line}: the table has no header line.")
    names = _table_header(block, header_line, source)
    if len(names) < 2:
        raise ValueError(f"{source}, line {header_line}: the table has no sample column.")
    try:
        table = pd.read_csv(
            io.BytesIO(block), sep="\t", header=0, index_col=0, dtype={names[0]: str},
            na_values=_MISSING, keep_default_na=False, engine="c",
        )
    except pd.errors.ParserError as error:  # a row with too many fields, or bad quoting
        _check_field_counts(block, len(names), header_line, source)
        raise ValueError(f"Cannot read the table of {source}: {error}") from None
    if table.shape[1] != len(names) - 1:  # the first row was longer: taken as an index
        _check_field_counts(block, len(names), header_line, source)
        raise ValueError(f"Cannot read the table of {source}: {table.shape[1] + 1} columns "
                         f"for a header of {len(names)} fields.")
    # The parser fills a row that is short of fields with NaN: such rows end in NaN.
    ends_missing = np.flatnonzero(table.iloc[:, -1].isna().to_numpy())
    if len(ends_missing):
        lines = _row_lines(block, header_line)
        _check_field_counts(block, len(names), header_line, source,
                            [lines[r] for r in ends_missing])
    if table.shape[0] == 0:
        raise ValueError(f"{source}, line {header_line}: the table has no probe rows.")
    table.columns = names[1:]
    table.index = table.index.astype(str)
    repeated = table.index[table.index.duplicated()]
    if len(repeated):
        lines = _row_lines(block, header_line)
        rows = np.flatnonzero(table.index == repeated[0])
        raise ValueError(
            f"{source}: probe id {repeated[0]!r} occurs on lines {lines[rows[0]]} and "
            f"{lines[rows[1]]}; probe ids must be unique ({len(repeated.unique())} repeated)."
        )
    values = _check_values(table, block, header_line, source)
    fields = _header_fields(data[:begin])
    return _SeriesFile(source, fields, values, table.index, names[1:],
                       int(np.isnan(values).sum()))


def _first(fields, key):
    return next((f for f in fields if f.key == key), None)


def _sample_ids(series):
    """Sample ids in table order, checked against ``!Sample_geo_accession``."""
    ids = list(series.sample_ids)
    accession = _first(series.fields, "!Sample_geo_accession")
    if accession is None:
        return ids, ids
    listed = accession.values
    repeated = sorted({v for v in listed if listed.count(v) > 1})
    if repeated:
        raise ValueError(
            f"{series.source}, line {accession.line}: sample id(s) {listing(repeated)} occur "
            "more than once in !Sample_geo_accession; sample ids must be unique."
        )
    if set(listed) != set(ids):
        missing = [v for v in listed if v not in ids]
        extra = [v for v in ids if v not in listed]
        raise ValueError(
            f"{series.source}: the table's samples differ from !Sample_geo_accession (line "
            f"{accession.line}): {len(missing)} listed but without a column "
            f"({listing(missing)}), {len(extra)} columns not listed ({listing(extra)})."
        )
    return ids, listed


def _column_name(key, taken):
    """``key``, or ``key_2``, ``key_3``, ... when this sample already has a ``key``."""
    name, n = key, 1
    while name in taken:
        n += 1
        name = f"{key}_{n}"
    taken.add(name)
    return name


def _metadata(series, ids, listed):
    """One row per sample: title, source and every characteristics entry by its key."""
    n = len(listed)
    columns = {name: [None] * n for name in _SAMPLE_COLUMNS.values()}
    taken = [set(columns) for _ in range(n)]
    for field in series.fields:
        if not field.key.startswith("!Sample_"):
            continue
        if len(field.values) != n:
            raise ValueError(
                f"{series.source}, line {field.line}: {field.key} has {len(field.values)} "
                f"value(s) for {n} samples."
            )
        if field.key in _SAMPLE_COLUMNS and columns[_SAMPLE_COLUMNS[field.key]][0] is None:
            columns[_SAMPLE_COLUMNS[field.key]] = list(field.values)
        elif field.key == _CHARACTERISTICS:
            for i, entry in enumerate(field.values):
                if not entry:
                    continue
                key, sep, value = entry.partition(":")
                key, value = (key.strip(), value.strip()) if sep else ("characteristics", entry)
                name = _column_name(key or "characteristics", taken[i])
                columns.setdefault(name, [None] * n)[i] = value
    metadata = pd.DataFrame(columns, index=pd.Index(listed))
    return metadata.loc[ids]


def _series_fields(fields):
    out = {}
    for field in fields:
        if field.key.startswith("!Series_"):
            key = field.key[len("!Series_"):]
            value = field.values[0] if len(field.values) == 1 else field.values
            out.setdefault(key, []).append(value)
    return {key: value[0] if len(value) == 1 else value for key, value in out.items()}


def _platform(series, ids, listed):
    """The one platform of the samples; a clear error when a file mixes platforms."""
    field = _first(series.fields, "!Sample_platform_id")
    if field is not None:
        platforms = pd.Series(field.values, index=listed).loc[ids]
        counts = platforms.value_counts()
        if len(counts) > 1:
            parts = ", ".join(f"{p}: {c} sample(s)" for p, c in counts.items())
            raise ValueError(
                f"{series.source} spans several platforms ({parts}; !Sample_platform_id on "
                f"line {field.line}). Read one platform's samples at a time: GEO offers one "
                "series matrix per platform (GSExxx-GPLyyy_series_matrix.txt.gz); combine "
                "them with combine_cohorts."
            )
        return counts.index[0]
    declared = [v for f in series.fields if f.key == "!Series_platform_id" for v in f.values]
    if len(set(declared)) > 1:
        raise ValueError(
            f"{series.source} spans several platforms ({', '.join(sorted(set(declared)))}) "
            "and does not say which sample is on which (!Sample_platform_id). Read one "
            "platform's series matrix at a time and combine them with combine_cohorts."
        )
    return declared[0] if declared else None


def _order_statistic_above(flat, k, threshold):
    """Whether the k-th smallest value (0-based) exceeds ``threshold``: a count, no sort."""
    return int(np.count_nonzero(flat <= threshold)) <= k


def _quantile_above(flat, q, threshold):
    """Whether the type-7 quantile ``q`` (R's and numpy's default) exceeds ``threshold``.

    The quantile lies between the order statistics ``floor(h)`` and
    ``floor(h) + 1`` with ``h = (n - 1) q``; counting the values at or below
    the threshold decides it unless the threshold falls between those two.
    """
    h = (flat.size - 1) * q
    low = int(np.floor(h))
    if _order_statistic_above(flat, low, threshold):
        return True
    if low + 1 >= flat.size or not _order_statistic_above(flat, low + 1, threshold):
        return False
    return bool(np.quantile(flat, q) > threshold)


def _geo2r_says_log(values):
    """GEO2R's rule: True when the values are linear (not yet logged).

    With q the quantiles at 0, 0.25, 0.99 and 1: ``q99 > 100 or (q100 - q0 > 50
    and q25 > 0)``, decided by counting (see :func:`_quantile_above`). Returns
    the decision and the share of values above 100 and the range, for messages.
    """
    flat = values.ravel()
    if np.isnan(flat).any():
        flat = flat[~np.isnan(flat)]
    if flat.size == 0:
        return False, None
    low, high = flat.min(), flat.max()
    linear = _quantile_above(flat, 0.99, 100) or (
        bool(high - low > 50) and _quantile_above(flat, 0.25, 0))
    return linear, (np.count_nonzero(flat > 100) / flat.size, low, high)


def _log2(values):
    """log2 of the values, in place; values <= 0 become NaN. Returns (values, their count)."""
    nonpositive = values <= 0  # False for NaN
    values[nonpositive] = np.nan
    return np.log2(values, out=values), int(np.count_nonzero(nonpositive))


def _accession(series_fields, path):
    accession = series_fields.get("geo_accession")
    if isinstance(accession, list):
        accession = accession[0]
    if accession:
        return accession
    name = os.path.basename(os.fspath(path))
    return name.split("_series_matrix")[0] if "_series_matrix" in name else None


@validate_params(
    {
        "path": [str, os.PathLike],
        "annotation": [None, str, os.PathLike, pd.DataFrame],
        "collapse": [StrOptions(set(COLLAPSE_RULES))],
        "log": ["boolean", StrOptions({"auto"})],
        "id_column": [None, str],
        "symbol_column": [None, str],
    },
    prefer_skip_nested_validation=True,
)
def read_geo_series_matrix(path, annotation=None, *, collapse="max_mean", log="auto",
                           id_column=None, symbol_column=None):
    """Read a GEO series matrix file into a samples x genes table and sample metadata.

    A series matrix (``GSExxx_series_matrix.txt.gz``, as GEO offers it for
    download) holds ``!Series_`` and ``!Sample_`` header lines, then a
    probes x samples table between ``!series_matrix_table_begin`` and
    ``!series_matrix_table_end``. This function reads it (plain or
    gzip-compressed), maps probes to gene symbols with the platform's
    annotation, collapses several probes of a gene into one, puts the values
    on the log2 scale and returns samples as rows.

    **Probes to genes.** Each probe gets the symbol its annotation gives it;
    then, one rule each:

    * a probe with several symbols (``A /// B``, or listed on several rows of
      a Bioconductor table) is left out, since its signal cannot be
      attributed to one gene (``n_probes_multi_symbol``); ``A /// A`` counts
      as ``A``;
    * a probe without a symbol (empty, ``---``, ``NA``) is left out
      (``n_probes_no_symbol``), as is a probe the annotation does not list
      (``n_probes_not_in_annotation``);
    * several probes of one gene are collapsed by ``collapse``
      (``n_probes_collapsed`` counts the probes that gave up their place).

    **Log scale.** With ``log="auto"``, GEO2R's published rule decides whether
    the values are still linear: with the quantiles ``q`` at 0, 0.25, 0.5,
    0.75, 0.99 and 1 of all values, they are if ``q99 > 100``, or if
    ``q100 - q0 > 50`` and ``q25 > 0``. Then log2 is taken and a
    :class:`CohortWarning` says so. As in GEO2R, values <= 0 have no
    logarithm and become NaN (counted in ``n_nonpositive``). ``log=True``
    and ``log=False`` force the decision. Collapsing happens on the log2
    scale.

    **Missing values.** Empty fields and ``null`` (GEO's spelling) are NaN,
    counted in ``n_missing``. They stay NaN in ``X`` (the mean rule ignores
    them); the models refuse NaN, so drop those genes
    (``X.dropna(axis=1)``) or impute them before fitting.

    Without an annotation the columns of ``X`` are the platform's probe ids,
    not gene symbols (``annotated`` is False, a :class:`CohortWarning` says
    so, the symbol counts are 0 and ``n_genes`` is None).

    Parameters
    ----------
    path : str or path-like
        The series matrix file, ``.txt`` or ``.txt.gz`` (gzip is recognised
        by content).
    annotation : str, path-like or pandas.DataFrame, default=None
        The platform table mapping probe ids to gene symbols: a GPL SOFT file
        (plain or ``.gz``; its table lies between ``!platform_table_begin``
        and ``!platform_table_end``), a GEO ``.annot`` file, a tab- or
        comma-separated table (GEO's full platform table, whose leading
        ``#`` lines are skipped, or a Bioconductor export) or a DataFrame. The
        id column is found among ``ID``, ``ID_REF``, ``PROBEID``,
        ``Probe_Id``, ``ProbeSetID`` and the symbol column among
        ``Gene Symbol``, ``Gene.symbol``, ``GENE_SYMBOL``, ``SYMBOL``,
        ``Symbol`` (case, spaces, dots and underscores ignored); a DataFrame
        without an id column may hold the ids as its index. When the file
        names its platform (a SOFT or ``.annot`` file), it must be the
        series' platform.
    collapse : {"max_mean", "mean", "max_var"}, default="max_mean"
        How several probes of a gene become one value: ``max_mean`` keeps the
        probe with the highest mean over the samples (the rule with the best
        agreement between studies in Miller et al., BMC Bioinformatics 2011,
        12:322), ``mean`` averages the probes per sample, ``max_var`` keeps
        the probe with the highest variance. Ties go to the probe listed
        first.
    log : "auto" or bool, default="auto"
        Take log2 of the values: by GEO2R's rule (``"auto"``), always
        (True) or never (False).
    id_column, symbol_column : str, default=None
        The annotation's probe id and gene symbol columns, when they are not
        recognised by name.

    Returns
    -------
    series : :class:`~sklearn.utils.Bunch`
        With the fields:

        ``X``
            DataFrame, samples (GSM ids, in file order) x genes (in the order
            of their first probe), float64, log2 scale.
        ``metadata``
            DataFrame with one row per sample (same index): ``title``,
            ``source`` (``!Sample_source_name_ch1``) and one column per key of
            the ``!Sample_characteristics_ch1`` entries ``"key: value"``
            (e.g. ``"disease state"``). A key that a sample lists twice gets
            ``key_2``, ``key_3``, ... for its later entries; an entry without
            ``:`` goes to ``characteristics``.
        ``accession``, ``platform``
            The series (``!Series_geo_accession``, or the file name) and
            platform ids.
        ``series``
            dict of the ``!Series_`` fields (name without the prefix); a
            repeated field gives a list.
        ``annotated``, ``log_transformed``, ``collapse``
            Whether probes were mapped to genes, whether log2 was taken, the
            collapse rule.
        ``n_samples``, ``n_probes``, ``n_genes``
            Samples, probes in the file and genes in ``X``.
        ``n_probes_collapsed``, ``n_probes_multi_symbol``
            Probes merged into or left out for another probe of their gene;
            probes with several symbols, left out.
        ``n_probes_no_symbol``, ``n_probes_not_in_annotation``
            Probes without a symbol, and probes the annotation does not list,
            left out. ``n_genes`` plus these four counts is ``n_probes``.
        ``n_missing``, ``n_nonpositive``
            Missing values in the file; values <= 0 set to NaN by the log.
        ``probes``
            DataFrame indexed by probe id: ``symbol`` (the annotation's text),
            ``gene`` and ``status`` (``"kept"``, ``"collapsed"``,
            ``"multi_symbol"``, ``"no_symbol"``, ``"not_in_annotation"``;
            with ``collapse="mean"`` every probe of a gene is ``"kept"``).
        ``source``
            The path read.

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        Naming the line, column or platforms: a file without a table or with
        a truncated one (no ``!series_matrix_table_end``), rows with the wrong
        number of fields, duplicate sample or probe ids, non-numeric or
        infinite values, a file whose samples span several platforms, an
        annotation without a recognisable id or symbol column (listing its
        columns), for another platform, or matching none of the probes.

    See Also
    --------
    labels_from_metadata : Class labels from a metadata column.
    combine_cohorts : Several series on their shared genes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skgenecyt import read_geo_series_matrix
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "GSE1_series_matrix.txt").write_text(
    ...     '!Series_geo_accession\\t"GSE1"\\n'
    ...     '!Sample_title\\t"patient 1"\\t"control 1"\\n'
    ...     '!Sample_geo_accession\\t"GSM1"\\t"GSM2"\\n'
    ...     '!Sample_source_name_ch1\\t"synovium"\\t"synovium"\\n'
    ...     '!Sample_platform_id\\t"GPL1"\\t"GPL1"\\n'
    ...     '!Sample_characteristics_ch1\\t"disease state: RA"\\t"disease state: control"\\n'
    ...     '!series_matrix_table_begin\\n'
    ...     '"ID_REF"\\t"GSM1"\\t"GSM2"\\n'
    ...     '"p1"\\t8.1\\t7.0\\n"p2"\\t5.0\\t5.5\\n"p3"\\t9.0\\t9.2\\n"p4"\\t3.0\\tnull\\n'
    ...     '!series_matrix_table_end\\n')
    >>> _ = (folder / "GPL1_annotation.txt").write_text(
    ...     "ID\\tGene Symbol\\np1\\tSOCS3\\np2\\tSOCS3\\np3\\tIL6 /// IL6R\\np4\\t---\\n")
    >>> geo = read_geo_series_matrix(folder / "GSE1_series_matrix.txt",
    ...                              folder / "GPL1_annotation.txt")
    >>> geo.X
          SOCS3
    GSM1    8.1
    GSM2    7.0
    >>> geo.metadata
              title    source disease state
    GSM1  patient 1  synovium            RA
    GSM2  control 1  synovium       control
    >>> geo.n_probes, geo.n_probes_collapsed, geo.n_probes_multi_symbol, geo.n_probes_no_symbol
    (4, 1, 1, 1)
    >>> geo.accession, geo.platform, geo.n_missing, geo.log_transformed
    ('GSE1', 'GPL1', 1, False)
    """
    path = _existing_path(path, "Series matrix")
    series = _read_series_file(path)
    ids, listed = _sample_ids(series)
    metadata = _metadata(series, ids, listed)
    platform = _platform(series, ids, listed)
    series_fields = _series_fields(series.fields)
    accession = _accession(series_fields, path)
    name = accession or series.source
    notes = []

    values = series.values  # probes x samples
    take_log, quantiles = (_geo2r_says_log(values) if log == "auto" else (bool(log), None))
    n_nonpositive = 0
    if take_log:
        values, n_nonpositive = _log2(values)
        if log == "auto":
            notes.append(
                "the values look linear by GEO2R's rule (99th percentile above 100, or range "
                f"above 50 and 25th percentile above 0; here {quantiles[0]:.1%} of the values "
                f"exceed 100 and they range from {quantiles[1]:.4g} to {quantiles[2]:.4g}): "
                "took log2"
            )
        if n_nonpositive:
            notes.append(f"{n_nonpositive} value(s) <= 0 have no logarithm and became NaN")

    probes = pd.DataFrame(index=series.probe_ids)
    if annotation is None:
        X = pd.DataFrame(values.T, index=pd.Index(ids), columns=series.probe_ids)
        probes["symbol"] = None
        probes["gene"] = None
        probes["status"] = "kept"
        counts = dict(n_probes_not_in_annotation=0, n_probes_no_symbol=0,
                      n_probes_multi_symbol=0, n_probes_collapsed=0, n_genes=None)
        notes.append(
            "no annotation: the columns are probe ids, not gene symbols; pass the "
            f"platform table{f' of {platform}' if platform else ''} as annotation= to get genes"
        )
    else:
        X, probes, counts = _probes_to_genes(values, series.probe_ids, ids, annotation,
                                             id_column, symbol_column, collapse, platform,
                                             name)
    if notes:
        warnings.warn(f"{name}: " + "; ".join(notes) + ".", CohortWarning, stacklevel=3)
    return Bunch(
        X=X,
        metadata=metadata,
        accession=accession,
        platform=platform,
        series=series_fields,
        annotated=annotation is not None,
        log_transformed=take_log,
        collapse=collapse,
        n_samples=len(ids),
        n_probes=len(series.probe_ids),
        **counts,
        n_missing=series.n_missing,
        n_nonpositive=n_nonpositive,
        probes=probes,
        source=str(path),
    )


def _probes_to_genes(values, probe_ids, ids, annotation, id_column, symbol_column, collapse,
                     platform, name):
    """Map probes to genes and collapse them; returns (X, probes table, counts)."""
    table = read_annotation(annotation, id_column, symbol_column)
    if table.platform and platform and table.platform != platform:
        raise ValueError(
            f"The annotation {table.source} is for platform {table.platform}, but {name} is "
            f"on platform {platform}; use the platform table of {platform}."
        )
    status, gene = classify_probes(probe_ids, table)
    if (status == "not_in_annotation").all():
        raise ValueError(
            f"None of the {len(probe_ids)} probe ids of {name} (e.g. "
            f"{listing(probe_ids[:3])}) is in the annotation {table.source} (column "
            f"{table.id_column!r}, e.g. {listing(table.symbols.index[:3])}): is it the "
            f"platform table of {platform or 'this series'}?"
        )
    single = status == "gene"
    collapsed, genes, used = collapse_probes(values[single], gene[single], collapse)
    status = status.copy()
    status[np.flatnonzero(single)[~used]] = "collapsed"
    status[np.flatnonzero(single)[used]] = "kept"
    probes = pd.DataFrame(
        {"symbol": table.symbols.reindex(probe_ids).to_numpy(), "gene": gene,
         "status": status},
        index=probe_ids,
    )
    counts = dict(
        n_probes_not_in_annotation=int((status == "not_in_annotation").sum()),
        n_probes_no_symbol=int((status == "no_symbol").sum()),
        n_probes_multi_symbol=int((status == "multi_symbol").sum()),
        n_probes_collapsed=int(single.sum()) - len(genes),
        n_genes=len(genes),
    )
    X = pd.DataFrame(collapsed.T, index=pd.Index(ids), columns=pd.Index(genes, dtype=object))
    return X, probes, counts
