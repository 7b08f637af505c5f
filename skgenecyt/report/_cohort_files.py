"""write_cohort(): a simulated cohort as the files that load_expression reads."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.report._io import atomic_write, check_output_file

#: Expression file suffixes and how to write them.
_FORMATS = {".csv": ",", ".tsv": "\t", ".csv.gz": ",", ".tsv.gz": "\t", ".parquet": None}


def cohort_paths(path, holdout=True):
    """The files of a cohort written to ``path``: expression, labels and holdout pair.

    ``cohort.csv`` gives ``cohort.csv``, ``cohort.labels.csv``,
    ``cohort.holdout.csv`` and ``cohort.holdout.labels.csv``; labels are
    always CSV.
    """
    path = Path(path)
    name = path.name.lower()
    suffix = next((s for s in sorted(_FORMATS, key=len, reverse=True) if name.endswith(s)), None)
    if suffix is None:
        raise ValueError(
            f"Cannot tell the format of {str(path)!r}; use one of {', '.join(_FORMATS)}."
        )
    stem = path.name[: -len(suffix)]
    paths = {"X": path, "y": path.with_name(f"{stem}.labels.csv")}
    if holdout:
        paths["X_holdout"] = path.with_name(f"{stem}.holdout{path.name[-len(suffix):]}")
        paths["y_holdout"] = path.with_name(f"{stem}.holdout.labels.csv")
    return paths


@validate_params(
    {"cohort": [dict], "path": [str, os.PathLike], "force": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def write_cohort(cohort, path, *, force=False):
    """Write a cohort Bunch (``X``, ``y``, optionally ``X_holdout``, ``y_holdout``) to files.

    Expression files have samples as rows (first column ``sample``) and genes
    as columns, in the format of ``path``'s suffix (CSV/TSV, optionally
    gzipped, or parquet, which needs pyarrow). Label files are CSV with the
    columns ``sample`` and ``RA`` (1 for rheumatoid arthritis, 0 for
    control). Each file is written atomically; existing files are refused
    unless ``force``.

    Parameters
    ----------
    cohort : Bunch (or dict)
        E.g. the output of :func:`~skgenecyt.make_ra_cohort`.
    path : str or path
        The training expression file; the others are named after it (see
        :func:`cohort_paths`).
    force : bool, default=False
        Overwrite existing files.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skgenecyt import make_ra_cohort
    >>> from skgenecyt.report import write_cohort
    >>> cohort = make_ra_cohort(n_ra=6, n_control=4, n_holdout_ra=3, n_holdout_control=3,
    ...                         n_genes=200, random_state=0)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_cohort(cohort, folder / "cohort.csv")]
    ['cohort.csv', 'cohort.labels.csv', 'cohort.holdout.csv', 'cohort.holdout.labels.csv']
    """
    holdout = cohort.get("X_holdout") is not None and len(cohort["X_holdout"]) > 0
    paths = cohort_paths(path, holdout)
    for target in paths.values():
        check_output_file(target, force)
    written = []
    for key, target in paths.items():
        data = cohort[key]
        if key.startswith("y"):
            frame = pd.DataFrame({"RA": data.to_numpy()}, index=data.index)
            atomic_write(target, lambda tmp, f=frame: f.to_csv(tmp, index_label="sample"))
        else:
            atomic_write(target, lambda tmp, f=data, t=target: _write_expression(f, tmp, t))
        written.append(target)
    return written


def _write_expression(frame, tmp, target):
    name = target.name.lower()
    if name.endswith(".parquet"):
        frame.rename_axis("sample").to_parquet(tmp)
        return
    sep = "\t" if ".tsv" in name else ","
    compression = "gzip" if name.endswith(".gz") else None
    # float32 values keep ~7 significant digits; writing more would only add noise
    frame.to_csv(tmp, sep=sep, index_label="sample", float_format="%.7g",
                 compression=compression)
