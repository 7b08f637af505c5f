"""Reading gene sets from GMT files."""

import gzip
import os
from pathlib import Path

from skgenecyt._sklearn_compat import validate_params


def _open_text(path):
    """Open a plain or gzip-compressed text file for reading."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline=None)
    return path.open("r", encoding="utf-8-sig", newline=None)


@validate_params({"path": [str, os.PathLike]}, prefer_skip_nested_validation=True)
def read_gmt(path):
    """Read gene sets from a GMT file.

    A GMT file holds one gene set per line: ``name <TAB> description <TAB> gene
    <TAB> gene ...``. The description (often a URL) is ignored.

    Parsing rules:

    * Fields are separated by tabs; spaces around a field are stripped, empty
      fields (for example trailing tabs) are ignored.
    * Blank lines and lines starting with ``#`` are skipped.
    * Windows line endings, a UTF-8 byte-order mark and gzip compression (a
      name ending in ``.gz``) are handled.
    * A gene listed twice in one set is kept once, at its first position.
    * Malformed lines raise :class:`ValueError` naming the file and line: fewer
      than three fields (name, description and at least one gene), an empty
      set name, or a set name already used on an earlier line (sets are never
      merged or overwritten silently).

    Parameters
    ----------
    path : str or path-like
        Path to a ``.gmt`` (or ``.gmt.gz``) file.

    Returns
    -------
    gene_sets : dict of str to list of str
        Set name to gene symbols, in file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If a line is malformed (see above).

    See Also
    --------
    load_cytokine_modules : The built-in cytokine modules.
    match_modules : Intersect gene sets with the columns of a dataset.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skgenecyt.datasets import read_gmt
    >>> folder = tempfile.mkdtemp()
    >>> path = pathlib.Path(folder) / "sets.gmt"
    >>> _ = path.write_text("IL6_UP\\tmy note\\tSOCS3\\tSTAT3\\t\\nTNF_UP\\t\\tNFKBIA\\n")
    >>> read_gmt(path)
    {'IL6_UP': ['SOCS3', 'STAT3'], 'TNF_UP': ['NFKBIA']}
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"GMT file not found: {str(path)!r}.")
    gene_sets = {}
    first_line = {}
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.rstrip("\r\n").split("\t")]
            where = f"{path}, line {number}"
            if len(fields) < 3 or not any(fields[2:]):
                raise ValueError(
                    f"{where}: expected a set name, a description and at least one gene "
                    f"separated by tabs, got {len([f for f in fields if f])} non-empty "
                    f"field(s): {line.strip()[:80]!r}."
                )
            name = fields[0]
            if not name:
                raise ValueError(f"{where}: the gene set name (first field) is empty.")
            if name in gene_sets:
                raise ValueError(
                    f"{where}: gene set {name!r} is already defined on line "
                    f"{first_line[name]}; set names must be unique."
                )
            genes = [gene for gene in fields[2:] if gene]
            gene_sets[name] = list(dict.fromkeys(genes))
            first_line[name] = number
    return gene_sets
