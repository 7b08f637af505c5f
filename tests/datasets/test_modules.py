"""Tests of the built-in cytokine modules and of module matching."""

from skgenecyt.datasets import load_cytokine_modules


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
    assert table["evidence"].str.len().gt(0).all()
