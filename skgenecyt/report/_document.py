"""A report as a list of blocks, rendered to Markdown and to self-contained HTML.

Building the content once and rendering it twice keeps report.md and
report.html identical in substance. The HTML embeds its figures as base64
PNG data, so the single file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list


@dataclass
class Code:
    text: str


@dataclass
class Table:
    columns: list
    rows: list
    caption: str = ""


@dataclass
class Image:
    filename: str
    caption: str
    png: bytes = field(repr=False, default=b"")


_CSS = """
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; max-width: 60em;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f2f2; }
caption { caption-side: bottom; font-size: 0.85em; color: #555; padding-top: 0.3em; }
figure { margin: 1em 0; } img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #444; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
"""


def to_markdown(title, blocks):
    parts = [f"# {title}"]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Code):
            parts.append(f"```\n{block.text}\n```")
        elif isinstance(block, Table):
            lines = [_md_row(block.columns), _md_row(["---"] * len(block.columns))]
            lines += [_md_row(row) for row in block.rows]
            if block.caption:
                lines.append(f"\n*{block.caption}*")
            parts.append("\n".join(lines))
        elif isinstance(block, Image):
            parts.append(f"![{block.caption}]({block.filename})\n\n*{block.caption}*")
        else:
            raise TypeError(f"Unknown report block {type(block).__name__}.")
    return "\n\n".join(parts) + "\n"


def _md_row(cells):
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def to_html(title, blocks):
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{esc(str(item))}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        elif isinstance(block, Code):
            parts.append(f"<pre><code>{esc(block.text)}</code></pre>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{esc(str(c))}</th>" for c in block.columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
            parts.append(f"<table>{caption}<thead><tr>{head}</tr></thead>"
                         f"<tbody>{body}</tbody></table>")
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure><img alt="{esc(block.caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{esc(block.caption)}</figcaption></figure>"
            )
        else:
            raise TypeError(f"Unknown report block {type(block).__name__}.")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
