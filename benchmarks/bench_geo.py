"""Speed of reading a GEO series matrix.

``read_geo_series_matrix(path, annotation)`` on a series matrix of 22,000
probes x 100 samples (the size of an HG-U133A series; linear values written
like GEO's MAS5 tables, a header of !Series_/!Sample_ lines, a platform table
with several probes for some genes, ``A /// B`` and empty symbols) against
``pandas.read_csv`` of the same table saved alone as a tab-separated file,
the least any reader of the file must do. The reader's time includes
everything it does: finding the table, the checks, the metadata, reading
the annotation, log2 and collapsing the probes. Target ratio <= 2. The same
pair is measured for the gzip-compressed files (``.txt.gz``), where
decompression adds to both sides.
"""

from __future__ import annotations

import gzip
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _harness import Figure, alternate

from skgenecyt import read_geo_series_matrix

N_PROBES = 22000
N_SAMPLES = 100


def _write_files(folder: Path) -> dict:
    rng = np.random.default_rng(0)
    probes = [f"{200000 + i}_at" for i in range(N_PROBES)]
    samples = [f"GSM{900000 + j}" for j in range(N_SAMPLES)]
    level = rng.normal(7.5, 2.0, size=(N_PROBES, 1))
    values = np.exp2(level + rng.normal(0.0, 0.4, size=(N_PROBES, N_SAMPLES)))
    table = pd.DataFrame(values, index=pd.Index(probes, name="ID_REF"), columns=samples)

    symbols = np.array([f"GENE{i // 2 if i % 3 == 0 else i:05d}" for i in range(N_PROBES)],
                       dtype=object)
    symbols[::50] = ""
    symbols[1::40] = [f"{s} /// GENE99999" for s in symbols[1::40]]
    pd.DataFrame({"ID": probes, "Gene Symbol": symbols}).to_csv(
        folder / "GPL_annotation.txt", sep="\t", index=False)

    header = ['!Series_title\t"A benchmark series"', '!Series_geo_accession\t"GSE1"',
              '!Series_platform_id\t"GPL1"']
    quoted = "\t".join(f'"{s}"' for s in samples)
    header += [f"!Sample_title\t{quoted}", f"!Sample_geo_accession\t{quoted}",
               "!Sample_platform_id\t" + "\t".join(['"GPL1"'] * N_SAMPLES)]
    for key in ("disease state", "tissue", "age", "sex"):
        header.append("!Sample_characteristics_ch1\t"
                      + "\t".join(f'"{key}: {j % 3}"' for j in range(N_SAMPLES)))
    header.append("!series_matrix_table_begin")
    body = table.to_csv(sep="\t", float_format="%.6g", quoting=2)  # quote the ids, as GEO
    text = "\n".join(header) + "\n" + body + "!series_matrix_table_end\n"
    paths = {"series": folder / "GSE1_series_matrix.txt", "table": folder / "table.tsv"}
    paths["series"].write_text(text)
    paths["table"].write_text(body)
    for key in ("series", "table"):
        gz = paths[key].with_name(paths[key].name + ".gz")
        gz.write_bytes(gzip.compress(paths[key].read_bytes(), compresslevel=6))
        paths[f"{key}_gz"] = gz
    paths["annotation"] = folder / "GPL_annotation.txt"
    return paths


def _read(series, annotation):
    with warnings.catch_warnings():  # the log2 note is expected here
        warnings.simplefilter("ignore")
        return read_geo_series_matrix(series, annotation)


def _figure(paths, suffix, label) -> Figure:
    series, table = paths[f"series{suffix}"], paths[f"table{suffix}"]
    geo = _read(series, paths["annotation"])  # warm up; also checks the result
    assert geo.X.shape[0] == N_SAMPLES
    assert geo.n_probes == N_PROBES
    timing = alternate(lambda: _read(series, paths["annotation"]),
                       lambda: pd.read_csv(table, sep="\t", index_col=0), rounds=5)
    return Figure(
        name=f"read_geo_series_matrix 22,000 x 100 {label} / read_csv of the table",
        unit="s",
        target=2.0,
        **timing.fields(),
    )


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_files(Path(folder))
        return [_figure(paths, "", "(.txt)"), _figure(paths, "_gz", "(.txt.gz)")]


if __name__ == "__main__":
    for figure in run():
        print(figure.name, f"ratio {figure.ratio:.2f}", figure.note)
