"""Tests of the built-in cytokine modules and of module matching."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skgenecyt.datasets import LowCoverageWarning, load_cytokine_modules, match_modules, read_gmt
from skgenecyt.datasets._modules import locate_modules, resolve_modules


def test_builtin_modules_have_expected_names_and_sizes():
    modules = load_cytokine_modules()
    assert list(modules) == ["IL6", "TNF", "IL1B"]
    for name, genes in modules.items():
        assert 30 <= len(genes) <= 60, name
        assert len(set(genes)) == len(genes), name
        assert all(isinstance(g, str) and g == g.strip() and g for g in genes)


def test_builtin_modules_are_disjoint():
    modules = load_cytokine_modules()
    seen = {}
    for name, genes in modules.items():
        for gene in genes:
            assert gene not in seen, f"{gene} in {seen.get(gene)} and {name}"
            seen[gene] = name


def test_builtin_modules_exclude_cytokine_ligands():
    genes = {g for genes in load_cytokine_modules().values() for g in genes}
    assert not genes & {"IL6", "TNF", "IL1B", "IL1A"}


def test_frame_matches_dict():
    table = load_cytokine_modules(as_frame=True)
    modules = load_cytokine_modules()
    assert list(table.columns) == ["module", "gene", "n_sources", "evidence", "other_evidence"]
    for name, genes in modules.items():
        assert table.loc[table["module"] == name, "gene"].tolist() == genes
    assert (table["n_sources"] >= 1).all()
    for _, group in table.groupby("module"):  # strongest evidence first
        assert group["n_sources"].is_monotonic_decreasing
    assert table["evidence"].str.len().gt(0).all()


# Independent sources per module, as documented in the packaged file's header;
# nested GO terms and the two ZHOU time points form one source each.
SOURCES = {
    "IL6": [
        ["HALLMARK_IL6_JAK_STAT3_SIGNALING"],
        ["DASU_IL6_SIGNALING_UP"],
        ["PID_IL6_7_PATHWAY"],
        ["GOBP_RESPONSE_TO_INTERLEUKIN_6", "GOBP_CELLULAR_RESPONSE_TO_INTERLEUKIN_6"],
    ],
    "TNF": [
        ["HALLMARK_TNFA_SIGNALING_VIA_NFKB"],
        ["PHONG_TNF_TARGETS_UP"],
        ["ZHOU_TNF_SIGNALING_4HR", "ZHOU_TNF_SIGNALING_30MIN"],
        ["TIAN_TNF_SIGNALING_VIA_NFKB"],
        [
            "GOBP_RESPONSE_TO_TUMOR_NECROSIS_FACTOR",
            "GOBP_CELLULAR_RESPONSE_TO_TUMOR_NECROSIS_FACTOR",
        ],
    ],
    "IL1B": [
        ["MAHAJAN_RESPONSE_TO_IL1A_UP"],
        ["GOBP_RESPONSE_TO_INTERLEUKIN_1", "GOBP_CELLULAR_RESPONSE_TO_INTERLEUKIN_1"],
    ],
}
# Older sets use retired symbols for two of the curated genes.
ALIASES = {"IL8": "CXCL8", "CXCR7": "ACKR3"}


@pytest.fixture(scope="module")
def public_sets(shared_genesets):
    sets = {}
    for path in sorted(shared_genesets.glob("*.gmt")):
        for name, genes in read_gmt(path).items():
            sets.setdefault(name, {ALIASES.get(g, g) for g in genes})
    return sets


def test_packaged_evidence_matches_public_sets(public_sets):
    """Every evidence entry is true, complete, and follows the disjointness rule."""
    table = load_cytokine_modules(as_frame=True)
    n_total = {module: len(sources) for module, sources in SOURCES.items()}
    for row in table.itertuples():
        listed = {
            module: [
                [name for name in source if row.gene in public_sets[name]]
                for source in sources
                if any(row.gene in public_sets[name] for name in source)
            ]
            for module, sources in SOURCES.items()
        }
        own = [name for source in listed[row.module] for name in source]
        other = [f"{m}:{name}" for m in SOURCES if m != row.module for s in listed[m] for name in s]
        assert row.evidence.split(";") == own, row.gene
        recorded = row.other_evidence.split(";") if row.other_evidence else []
        assert recorded == other, row.gene
        assert row.n_sources == len(listed[row.module]), row.gene
        # strongest evidence wins; ties go to the module with fewer sources overall
        best = max(SOURCES, key=lambda m: (len(listed[m]), -n_total[m]))
        assert best == row.module, (row.gene, {m: len(v) for m, v in listed.items()})


def _columns(*genes):
    return pd.DataFrame(np.zeros((2, len(genes))), columns=list(genes))


def test_match_modules_with_dict_reports_coverage():
    modules = {"A": ["G1", "G2", "G3", "G4"], "B": ["G5", "G1"]}
    matched, coverage = match_modules(modules, _columns("G4", "G1", "G5", "X"), warn=False)
    assert matched == {"A": ["G1", "G4"], "B": ["G5", "G1"]}
    assert coverage.index.tolist() == ["A", "B"]
    assert coverage["n_genes"].tolist() == [4, 2]
    assert coverage["n_found"].tolist() == [2, 2]
    assert coverage["coverage"].tolist() == [0.5, 1.0]
    assert coverage.loc["A", "missing"] == ["G2", "G3"]
    assert coverage.loc["B", "missing"] == []


def test_match_modules_warns_on_low_coverage():
    modules = {"A": ["G1", "G2", "G3", "G4"], "B": ["G5"]}
    with pytest.warns(LowCoverageWarning, match=r"A 1/4"):
        match_modules(modules, ["G1", "G5"], min_coverage=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        match_modules(modules, ["G1", "G5"], min_coverage=0.25)
        match_modules(modules, ["G1", "G5"], min_coverage=0.5, warn=False)


def test_match_modules_error_when_no_gene_present():
    with pytest.raises(ValueError, match=r"No gene of module 'B'.*case_sensitive=False"):
        match_modules({"A": ["G1"], "B": ["Socs3"]}, ["G1", "SOCS3"])
    with pytest.raises(ValueError, match="No gene of module 'B'") as info:
        match_modules({"A": ["G1"], "B": ["G9"]}, ["G1"], warn=False)
    assert "case_sensitive" not in str(info.value)


def test_match_modules_case_insensitive_uses_dataset_spelling():
    modules = {"IL6": ["SOCS3", "Stat3", "socs3"]}
    matched, coverage = match_modules(modules, ["Socs3", "Stat3"], case_sensitive=False)
    assert matched == {"IL6": ["Socs3", "Stat3"]}
    assert coverage.loc["IL6", "missing"] == []
    with pytest.raises(ValueError, match="differ only by case"):
        match_modules(modules, ["SOCS3", "Socs3"], case_sensitive=False)


def test_match_modules_builtin_and_gmt(tmp_path):
    builtin = load_cytokine_modules()
    genes = builtin["IL6"][:10] + builtin["TNF"] + builtin["IL1B"]
    with pytest.warns(LowCoverageWarning, match="IL6 10/"):
        matched, coverage = match_modules(None, genes)
    assert matched["IL6"] == builtin["IL6"][:10]
    assert coverage.loc["TNF", "coverage"] == 1.0
    path = tmp_path / "m.gmt"
    path.write_text("M\tdesc\tA\tB\n")
    matched, _ = match_modules(path, ["B"], warn=False)
    assert matched == {"M": ["B"]}


@pytest.mark.parametrize(
    ("modules", "columns", "error", "match"),
    [
        ({}, ["A"], ValueError, "empty"),
        ({"M": []}, ["A"], ValueError, "'M' has no genes"),
        ({"M": "ABC"}, ["A"], TypeError, "list of gene symbols"),
        ({"M": ["A", 3]}, ["A"], TypeError, "non-string"),
        (["A"], ["A"], TypeError, "dict of gene lists"),
        ({"M": ["A"]}, "A", TypeError, "columns must be"),
    ],
)
def test_match_modules_bad_input(modules, columns, error, match):
    with pytest.raises(error, match=match):
        match_modules(modules, columns)


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_match_modules_bad_min_coverage(value):
    with pytest.raises(ValueError, match="min_coverage"):
        match_modules({"M": ["A"]}, ["A"], min_coverage=value)


def test_locate_modules_names_and_column_indices():
    names = ["G1", "G2", "G3"]
    by_name, by_index = locate_modules({"a": ["G2", "G9", "G2"], "b": [0, -1]}, names,
                                       n_features=3, warn=False)
    assert (by_name.indices.tolist(), by_name.genes, by_name.missing) == ([1], ["G2"], ["G9"])
    assert by_name.coverage == 0.5  # duplicates count once
    assert (by_index.indices.tolist(), by_index.genes, by_index.coverage) == ([0, 2], [0, -1], 1.0)
    # Indices need no names; names do.
    (only,) = locate_modules({"b": [np.int64(2)]}, None, n_features=3)
    assert only.indices.tolist() == [2]
    with pytest.raises(ValueError, match="'a' names genes, but X has no gene names"):
        locate_modules({"a": ["G1"]}, None, n_features=3)


@pytest.mark.parametrize(
    ("genes", "error", "match"),
    [
        (["G1", 2], TypeError, "'M' mixes gene names and column indices"),
        ([3], ValueError, r"indices \[3\] outside the data's 3 columns"),
        ([True], TypeError, "non-string"),
        ("G1", TypeError, "list of gene symbols or column indices"),
        ([], ValueError, "'M' has no genes"),
    ],
)
def test_locate_modules_bad_input(genes, error, match):
    with pytest.raises(error, match=match):
        locate_modules({"M": genes}, ["G1", "G2", "G3"], n_features=3)


def test_match_modules_takes_gene_names_only():
    with pytest.raises(TypeError, match=r"non-string gene symbols, e\.g\. 0"):
        match_modules({"M": [0, 1]}, ["G1", "G2"])


def test_unused_bad_module_does_not_stop_the_others():
    """A module is checked when it is located, not when the collection is read."""
    modules = resolve_modules({"A": ["G1"], "B": 5})
    (matched,) = locate_modules({"A": modules["A"]}, ["G1"])
    assert matched.genes == ["G1"]
