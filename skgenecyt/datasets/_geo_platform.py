"""Platform annotations: which gene symbol each probe of a GEO platform measures.

An annotation comes as a DataFrame, a delimited table (GEO's full platform
download, a Bioconductor export) or a GPL SOFT file (plain or gzipped), whose
table lies between ``!platform_table_begin`` and ``!platform_table_end``.
"""

import csv
import io
import os
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from skgenecyt._validation import listing

from ._expression import _existing_path
from ._text_files import find_line, line_number, read_bytes

#: Recognised probe id columns (GEO, GEO series tables, Bioconductor, Illumina), by priority.
ID_COLUMNS = ("ID", "ID_REF", "PROBEID", "Probe_Id", "ProbeSetID")
#: Recognised gene symbol columns (GEO platform tables and .annot files, Bioconductor, Agilent).
SYMBOL_COLUMNS = ("Gene Symbol", "Gene.symbol", "GENE_SYMBOL", "SYMBOL", "Symbol")
#: Symbol texts that mean "no gene" (GEO writes an empty field or ``---``).
NO_SYMBOL = frozenset({"", "---", "--", "-", "NA", "N/A", "nan", "NaN", "null", "NULL", "None"})
#: Separator of the symbols of a probe that matches several genes.
MULTI_SEPARATOR = "///"

_BEGIN = b"!platform_table_begin"
_END = b"!platform_table_end"
_DECLARED = re.compile(
    r"^(?:\^PLATFORM|!Platform_geo_accession|!Annotation_platform)\s*=\s*(\S+)",
    re.MULTILINE,
)


def _normalised(name):
    """Column names compared without case, spaces, dots, underscores or hyphens."""
    return re.sub(r"[\s._-]+", "", str(name)).casefold()


_ID_KEYS = [_normalised(name) for name in ID_COLUMNS]
_SYMBOL_KEYS = [_normalised(name) for name in SYMBOL_COLUMNS]


@dataclass
class Annotation:
    """Probe id -> symbol text, the platform the source declares, and where it came from."""

    symbols: pd.Series  # index: probe ids (unique str); values: symbol text, "" for none
    platform: str | None
    source: str
    id_column: str
    symbol_column: str


def _pick(columns, given, keys, what, parameter, source):
    if given is not None:
        if given not in columns:
            raise ValueError(
                f"The annotation {source} has no column {given!r} (given as {parameter}); "
                f"its columns are: {listing(columns)}."
            )
        return given
    for key in keys:
        for column in columns:
            if _normalised(column) == key:
                return column
    names = SYMBOL_COLUMNS if what == "gene symbol" else ID_COLUMNS
    raise ValueError(
        f"The annotation {source} has no recognisable {what} column; its columns are: "
        f"{listing(columns, total=len(columns))}. Recognised names: "
        f"{', '.join(map(repr, names))}; name the right column with {parameter}=..."
    )


def _strip_quotes(values):
    return values.str.strip(' \t"')


def _table_from_text(text, source, sep, first_line):
    """A str DataFrame from delimited text, reading every field verbatim."""
    quoting = csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            quoting=quoting, engine="c")  # fmt: skip
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        where = f"line {first_line + int(match.group(1)) - 1}: " if match else ""
        raise ValueError(f"Cannot read the annotation {source}: {where}{error}") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"The annotation {source} holds no table.") from None
    table.columns = [str(c).strip().strip('"') for c in table.columns]
    return table


def _from_soft(data, source):
    """The platform table of a GPL SOFT file and the platform it declares."""
    begin = find_line(data, _BEGIN)
    start = data.find(b"\n", begin) + 1
    end = find_line(data, _END, start) if start else -1
    if end < 0:
        raise ValueError(
            f"The annotation {source}: the platform table that begins on line "
            f"{line_number(data, begin)} has no '!platform_table_end' line (the file ends at "
            f"line {line_number(data, len(data.rstrip()))}): the file is truncated."
        )
    header = data[:begin].decode("utf-8", errors="replace")
    declared = _DECLARED.search(header)
    text = data[start:end].decode("utf-8", errors="replace")
    table = _table_from_text(text, source, "\t", line_number(data, start))
    return table, declared.group(1) if declared else None


def _from_delimited(data, source):
    """A delimited annotation table; leading ``#``/``!``/``^`` comment lines are skipped."""
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (not lines[skip].strip() or lines[skip][0] in "#!^"):
        skip += 1
    if skip == len(lines):
        raise ValueError(f"The annotation {source} holds no table.")
    header = lines[skip]
    sep = "\t" if "\t" in header else "," if "," in header else None
    if sep is None:
        raise ValueError(
            f"The annotation {source}: line {skip + 1} has a single column; an annotation "
            "needs a probe id column and a gene symbol column, separated by tabs or commas."
        )
    declared = _DECLARED.search("".join(lines[:skip]))
    table = _table_from_text("".join(lines[skip:]), source, sep, skip + 1)
    return table, declared.group(1) if declared else None


def _symbols_per_probe(ids, symbols):
    """One symbol text per probe id; a probe listed on several rows gets their symbols joined."""
    frame = pd.DataFrame({"id": ids.to_numpy(), "symbol": symbols.to_numpy()})
    frame = frame[frame["id"] != ""]
    if not frame["id"].duplicated().any():
        return pd.Series(frame["symbol"].to_numpy(), index=pd.Index(frame["id"]), name="symbol")
    # Bioconductor's select() lists a probe once per gene it matches.
    def joined(texts):
        genes = [g for g in dict.fromkeys(t.strip() for t in texts) if g not in NO_SYMBOL]
        return f" {MULTI_SEPARATOR} ".join(genes)

    grouped = frame.groupby("id", sort=False)["symbol"].agg(joined)
    return grouped.rename("symbol").rename_axis(None)


def read_annotation(annotation, id_column=None, symbol_column=None):
    """Read an annotation (path or DataFrame) into an :class:`Annotation`."""
    platform = None
    if isinstance(annotation, pd.DataFrame):
        source = "DataFrame"
        table = annotation
        if id_column is None and not any(_normalised(c) in _ID_KEYS for c in table.columns) \
                and not isinstance(table.index, pd.RangeIndex):
            table = table.reset_index(names="ID" if table.index.name is None
                                      else str(table.index.name))  # ids kept as the index
    elif isinstance(annotation, str | os.PathLike):
        path = _existing_path(annotation, "Annotation")
        source = repr(str(path))
        data = read_bytes(path)
        if find_line(data, _BEGIN) >= 0:
            table, platform = _from_soft(data, source)
        else:
            table, platform = _from_delimited(data, source)
    else:
        raise TypeError(
            "annotation must be None, a path or a pandas DataFrame, "
            f"got {type(annotation).__name__}."
        )
    columns = [str(c) for c in table.columns]
    table = table.set_axis(columns, axis=1)
    symbol = _pick(columns, symbol_column, _SYMBOL_KEYS, "gene symbol", "symbol_column", source)
    probe = _pick(columns, id_column, _ID_KEYS, "probe id", "id_column", source)
    ids = _strip_quotes(table[probe].astype(str))
    symbols = table[symbol]
    symbols = _strip_quotes(symbols.where(symbols.notna(), "").astype(str))
    return Annotation(_symbols_per_probe(ids, symbols), platform, source, probe, symbol)


def classify_probes(probe_ids, annotation):
    """Each probe's status and gene.

    Returns ``(status, gene)``: object arrays with the status
    ``"gene"`` (one symbol), ``"multi_symbol"``, ``"no_symbol"`` or
    ``"not_in_annotation"``, and the symbol of the ``"gene"`` probes (None
    otherwise). ``A /// A`` counts as the one symbol ``A``.
    """
    text = annotation.symbols.reindex(probe_ids)
    found = text.notna().to_numpy()
    text = text.fillna("")
    status = np.where(found, "gene", "not_in_annotation").astype(object)
    gene = text.to_numpy(dtype=object).copy()
    status[found & text.isin(NO_SYMBOL).to_numpy()] = "no_symbol"
    for i in np.flatnonzero(text.str.contains(MULTI_SEPARATOR, regex=False).to_numpy()):
        parts = [p for p in dict.fromkeys(s.strip() for s in gene[i].split(MULTI_SEPARATOR))
                 if p not in NO_SYMBOL]
        status[i] = "multi_symbol" if len(parts) > 1 else "gene" if parts else "no_symbol"
        gene[i] = parts[0] if len(parts) == 1 else None
    gene[status != "gene"] = None
    return status, gene
