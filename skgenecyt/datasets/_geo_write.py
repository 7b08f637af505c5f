"""Writing simulated studies as GEO series matrix files and a platform annotation."""

import csv
import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import validate_params
from skgenecyt._validation import listing

from ._geo_platform import MULTI_SEPARATOR
from ._synthetic_population import seed_sequence

#: Share of genes with a second probe, and with a third one too.
SECOND_PROBE_SHARE, THIRD_PROBE_SHARE = 0.10, 0.02
#: Share of genes with an extra probe that also matches another gene (``A /// B``).
MULTI_SYMBOL_SHARE = 0.02
#: Control probes without a gene symbol, per 100 genes (at least 5).
CONTROL_PROBES_PER_100 = 1
#: Extra probes measure their gene this many log2 units lower (uniform), with this noise SD.
EXTRA_PROBE_OFFSET, EXTRA_PROBE_NOISE = (0.5, 2.5), 0.25
ANNOTATION_NAME = "GPLSIM_annotation.txt"
_LABELS = {1: ("rheumatoid arthritis", "RA patient"), 0: ("healthy control", "healthy control")}


def _platform_probes(genes, rng):
    """The probes of the simulated platform: one table, probe id -> symbol, gene, kind."""
    n = len(genes)
    width = max(5, len(str(n)))
    stem = [f"SIM{j + 1:0{width}d}" for j in range(n)]
    rows = [(f"{stem[j]}_at", genes[j], genes[j], "main") for j in range(n)]
    second = rng.random(n) < SECOND_PROBE_SHARE
    third = second & (rng.random(n) < THIRD_PROBE_SHARE / SECOND_PROBE_SHARE)
    rows += [(f"{stem[j]}_s_at", genes[j], genes[j], "extra") for j in np.flatnonzero(second)]
    rows += [(f"{stem[j]}_x_at", genes[j], genes[j], "extra") for j in np.flatnonzero(third)]
    multi = np.flatnonzero(rng.random(n) < MULTI_SYMBOL_SHARE)
    partners = (multi + rng.integers(1, max(n, 2), len(multi))) % n
    rows += [(f"{stem[j]}_m_at", f"{genes[j]} {MULTI_SEPARATOR} {genes[p]}", genes[j],
              "multi_symbol") for j, p in zip(multi, partners) if p != j]
    n_control = max(5, round(CONTROL_PROBES_PER_100 * n / 100))
    rows += [(f"AFFX-SIM-{i + 1:04d}_at", "", None, "control") for i in range(n_control)]
    probes = pd.DataFrame(rows, columns=["probe", "symbol", "gene", "kind"]).set_index("probe")
    probes = probes.sort_index()
    probes["offset"] = np.where(probes["kind"].isin(["extra", "multi_symbol"]),
                                rng.uniform(*EXTRA_PROBE_OFFSET, len(probes)), 0.0)
    probes["control_level"] = np.where(probes["kind"] == "control",
                                       rng.uniform(4.0, 12.0, len(probes)), np.nan)
    return probes


def _study_values(X, probes, rng):
    """Log2 values of the study's probes (those of its genes, and the control probes)."""
    present = probes[probes["gene"].isin(X.columns) | (probes["kind"] == "control")]
    n = len(X)
    values = np.empty((len(present), n))
    is_gene = present["kind"] != "control"
    gene_values = X[present.loc[is_gene, "gene"]].to_numpy().T
    noise = rng.normal(0.0, EXTRA_PROBE_NOISE, gene_values.shape)
    noise[(present.loc[is_gene, "kind"] == "main").to_numpy()] = 0.0
    values[is_gene.to_numpy()] = gene_values - present.loc[is_gene, ["offset"]].to_numpy() + noise
    controls = present.loc[~is_gene, ["control_level"]].to_numpy()
    values[~is_gene.to_numpy()] = controls + rng.normal(0.0, 0.3, (len(controls), n))
    return present, values


def _quoted(values):
    return "\t".join(f'"{v}"' for v in values)


def _series_text(accession, platform, X, y):
    samples = list(X.index)
    disease = [_LABELS[int(label)][0] for label in y]
    counters = {0: 0, 1: 0}
    titles = []
    for label in y:
        counters[int(label)] += 1
        titles.append(f"{_LABELS[int(label)][1]} {counters[int(label)]}")
    lines = [
        f'!Series_title\t"Simulated RA study {accession} (skgenecyt.make_ra_studies)"',
        f'!Series_geo_accession\t"{accession}"',
        '!Series_status\t"Simulated, not a GEO record"',
        '!Series_summary\t"Synthetic bulk transcriptomes of rheumatoid arthritis patients and '
        'healthy controls; linear-scale intensities of a simulated array."',
        f'!Series_platform_id\t"{platform}"',
        f'!Series_sample_id\t"{" ".join(samples)}"',
        f"!Sample_title\t{_quoted(titles)}",
        f"!Sample_geo_accession\t{_quoted(samples)}",
        f"!Sample_source_name_ch1\t{_quoted(['synovial tissue (simulated)'] * len(samples))}",
        f"!Sample_organism_ch1\t{_quoted(['Homo sapiens'] * len(samples))}",
        f"!Sample_characteristics_ch1\t{_quoted(f'disease state: {d}' for d in disease)}",
        f"!Sample_characteristics_ch1\t{_quoted(['tissue: synovium'] * len(samples))}",
        f"!Sample_platform_id\t{_quoted([platform] * len(samples))}",
        "!Sample_data_processing\t"
        + _quoted(["MAS5-like linear intensities (simulated)"] * len(samples)),
        "!series_matrix_table_begin",
    ]
    return "\n".join(lines) + "\n"


def _gzip_writer(path):
    """A text handle writing gzip without a time stamp, so equal data give equal bytes."""
    raw = path.open("wb")
    return raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)


def _write_series(path, header, table):
    raw, compressed = _gzip_writer(path)
    with raw, compressed:
        compressed.write(header.encode())
        # Ids quoted, numbers not, as GEO writes them; three decimals, like MAS5 tables.
        body = table.round(3).to_csv(sep="\t", quoting=csv.QUOTE_NONNUMERIC,
                                     lineterminator="\n")
        compressed.write(body.encode())
        compressed.write(b"!series_matrix_table_end\n")


def _write_annotation(path, probes, platforms):
    header = (
        f"#ID = probe set id of the simulated array ({', '.join(platforms)} share it)\n"
        f"#Gene Symbol = gene symbol; a probe matching several genes lists them separated by "
        f"' {MULTI_SEPARATOR} '; empty for control probes\n"
    )
    table = probes.rename_axis("ID")[["symbol"]].rename(columns={"symbol": "Gene Symbol"})
    path.write_text(header + table.to_csv(sep="\t", lineterminator="\n"), encoding="utf-8")


@validate_params(
    {
        "studies": [dict],
        "folder": [str, os.PathLike],
        "random_state": ["random_state"],
        "overwrite": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def write_geo_studies(studies, folder, *, random_state=0, overwrite=False):
    """Write simulated studies as GEO series matrix files and one platform annotation.

    Each study of :func:`make_ra_studies` becomes
    ``<accession>_series_matrix.txt.gz`` in ``folder``, laid out as GEO's
    files are: ``!Series_`` and ``!Sample_`` header lines (titles,
    ``disease state: rheumatoid arthritis`` or ``disease state: healthy
    control`` characteristics, the platform), then the table of probes x
    samples with **linear-scale** intensities (``2 ** X``, three decimals)
    between ``!series_matrix_table_begin`` and
    ``!series_matrix_table_end``. One platform table, ``GPLSIM_annotation.txt``,
    maps the probes to symbols for every study (the studies' platforms are
    versions of one array, each lacking its own genes).

    The probes are designed as real arrays have them, so that a reader has
    something to do:

    * every gene has a main probe (``SIM00001_at``) that measures the
      study's value exactly;
    * 10 % of the genes have a second probe (``_s_at``) and 2 % also a third
      (``_x_at``), each 0.5 to 2.5 log2 units weaker with noise of SD 0.25:
      the highest-mean probe is the main one;
    * 2 % of the genes have a probe that also matches another gene
      (symbol ``A /// B``);
    * control probes (``AFFX-SIM-0001_at``, 1 per 100 genes, at least 5) have
      no symbol.

    A study's file holds the probes of its genes and every control probe.
    Reading it with :func:`read_geo_series_matrix` and the annotation gives
    back the study's log2 values (``collapse="max_mean"``) on its genes.

    Parameters
    ----------
    studies : Bunch
        The output of :func:`make_ra_studies`.
    folder : str or path-like
        Where to write; created if needed.
    random_state : int, numpy Generator, RandomState or None, default=0
        Seed of the probe design and the extra probes' noise.
    overwrite : bool, default=False
        Replace existing files; by default an existing file is an error and
        nothing is written.

    Returns
    -------
    files : :class:`~sklearn.utils.Bunch`
        ``series`` (dict accession -> path), ``annotation`` (path),
        ``probes`` (DataFrame of the platform's probes: ``symbol``, ``gene``
        and ``kind``: ``"main"``, ``"extra"``, ``"multi_symbol"`` or
        ``"control"``) and ``counts`` (DataFrame, one row per study: the
        ``n_probes``, ``n_genes``, ``n_probes_collapsed``,
        ``n_probes_multi_symbol`` and ``n_probes_no_symbol`` a reader with
        this annotation should find).

    Raises
    ------
    FileExistsError
        If a file exists and ``overwrite`` is False.
    ValueError
        If ``studies`` is not the output of :func:`make_ra_studies`.

    See Also
    --------
    make_ra_studies : The studies.
    read_geo_series_matrix : Reads the files back.

    Examples
    --------
    >>> import tempfile
    >>> from skgenecyt import make_ra_studies, write_geo_studies
    >>> studies = make_ra_studies(n_studies=2, n_samples=12, n_genes=500, random_state=0)
    >>> files = write_geo_studies(studies, tempfile.mkdtemp())
    >>> sorted(p.name for p in files.series.values()), files.annotation.name
    (['GSESIM1_series_matrix.txt.gz', 'GSESIM2_series_matrix.txt.gz'], 'GPLSIM_annotation.txt')
    """
    missing = [key for key in ("cohorts", "design", "gene_offsets") if key not in studies]
    if missing:
        raise ValueError(
            f"studies must be the output of make_ra_studies; it lacks {listing(missing)}."
        )
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{str(folder)!r} exists and is not a folder.")
    targets = {name: folder / f"{name}_series_matrix.txt.gz" for name in studies.cohorts}
    annotation = folder / ANNOTATION_NAME
    existing = [p.name for p in [*targets.values(), annotation] if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{str(folder)!r} already holds {listing(existing)}; pass overwrite=True "
            "(--force) to replace them."
        )
    design_seed, *study_seeds = seed_sequence(random_state).spawn(1 + len(targets))
    genes = list(studies.gene_offsets.columns)
    probes = _platform_probes(genes, np.random.default_rng(design_seed))
    folder.mkdir(parents=True, exist_ok=True)
    counts = []
    for (name, (X, y)), seed in zip(studies.cohorts.items(), study_seeds):
        platform = studies.design.loc[name, "platform"]
        present, values = _study_values(X, probes, np.random.default_rng(seed))
        table = pd.DataFrame(np.exp2(values), index=present.index.rename("ID_REF"),
                             columns=X.index)
        _write_series(targets[name], _series_text(name, platform, X, y), table)
        kinds = present["kind"].value_counts()
        counts.append(dict(n_probes=len(present), n_genes=X.shape[1],
                           n_probes_collapsed=int(kinds.get("extra", 0)),
                           n_probes_multi_symbol=int(kinds.get("multi_symbol", 0)),
                           n_probes_no_symbol=int(kinds.get("control", 0))))
    _write_annotation(annotation, probes, list(studies.design["platform"]))
    return Bunch(series=targets, annotation=annotation,
                 probes=probes[["symbol", "gene", "kind"]],
                 counts=pd.DataFrame(counts, index=pd.Index(list(targets))))
