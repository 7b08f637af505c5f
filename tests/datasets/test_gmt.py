"""Tests of read_gmt."""

import gzip

import pytest

from skgenecyt.datasets import read_gmt


def _write(tmp_path, text, name="sets.gmt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_every_shared_gmt(shared_genesets):
    paths = sorted(shared_genesets.glob("*.gmt"))
    assert len(paths) >= 4
    for path in paths:
        gene_sets = read_gmt(path)
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        assert len(gene_sets) == len(lines), path.name
        for line in lines:
            fields = line.split("\t")
            genes = [g for g in fields[2:] if g.strip()]
            assert gene_sets[fields[0]] == list(dict.fromkeys(genes)), (path.name, fields[0])


def test_hallmark_sizes(shared_genesets):
    gene_sets = read_gmt(shared_genesets / "h.all.v7.0.symbols.gmt")
    assert len(gene_sets) == 50
    assert len(gene_sets["HALLMARK_IL6_JAK_STAT3_SIGNALING"]) == 87
    assert gene_sets["HALLMARK_TNFA_SIGNALING_VIA_NFKB"][:2] == ["JUNB", "CXCL2"]


def test_tolerates_trailing_tabs_blank_lines_crlf_comments_and_spaces(tmp_path):
    text = "# comment\r\nA\tdesc\tG1\t G2 \t\t\r\n\r\n   \nB\t\tG3\tG3\tG1\t\n\n"
    assert read_gmt(_write(tmp_path, text)) == {"A": ["G1", "G2"], "B": ["G3", "G1"]}


def test_reads_gzip_and_str_path(tmp_path):
    path = tmp_path / "sets.gmt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("A\tdesc\tG1\tG2\n")
    assert read_gmt(str(path)) == {"A": ["G1", "G2"]}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("A\tdesc\tG1\nB\tdesc\n", 2, "at least one gene"),
        ("A\tdesc\tG1\nB\tdesc\t\t\n", 2, "at least one gene"),
        ("A G1 G2\n", 1, "at least one gene"),
        ("\n\tdesc\tG1\n", 2, "name .* is empty"),
        ("A\td\tG1\nB\td\tG2\nA\td\tG3\n", 3, "already defined on line 1"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as info:
        read_gmt(path)
    assert f"{path}, line {line}:" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.gmt"):
        read_gmt(tmp_path / "nope.gmt")


def test_rejects_non_path():
    with pytest.raises(TypeError, match=r"'path' parameter of read_gmt must be .*os\.PathLike"):
        read_gmt({"A": ["G1"]})
