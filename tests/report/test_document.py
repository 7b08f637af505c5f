"""One report content, two renderings: Markdown and self-contained HTML."""

import base64

import pytest

from skgenecyt.report._document import (
    Bullets,
    Code,
    Heading,
    Image,
    Paragraph,
    Table,
    to_html,
    to_markdown,
)

BLOCKS = [
    Heading("Results"),
    Paragraph("AUC <0.9> & more"),
    Bullets(["one", "two"]),
    Code("skgenecyt reproduce --out x"),
    Table(["Model", "AUC"], [["a|b", "0.95"]], caption="note"),
    Image("roc.png", "ROC curves", b"\x89PNG fake"),
]


def test_markdown_rendering():
    text = to_markdown("Title", BLOCKS)
    assert text.startswith("# Title\n")
    assert "## Results" in text
    assert "| Model | AUC |\n| --- | --- |\n| a\\|b | 0.95 |" in text
    assert "![ROC curves](roc.png)" in text
    assert "- one\n- two" in text


def test_html_is_escaped_and_embeds_the_figures():
    text = to_html("Title", BLOCKS)
    assert "<p>AUC &lt;0.9&gt; &amp; more</p>" in text
    assert "<td>a|b</td>" in text
    assert base64.b64encode(b"\x89PNG fake").decode() in text
    assert "roc.png" not in text  # self-contained: no link to the file


def test_unknown_block_is_an_error():
    with pytest.raises(TypeError, match="Unknown report block"):
        to_markdown("t", [object()])
