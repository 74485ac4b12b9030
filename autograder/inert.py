"""Make what a student wrote inert before a TA's browser renders it.

Graded notebooks open in the formgrader, in the origin where grades are edited, and feedback
HTML is read by TAs too. A `<script>`, an `onerror=` attribute or a `javascript:` link in a
student's markdown would run there. Code outputs are filtered where they are collected (only
text and raster images are kept: `outputs.INERT_MIMETYPES`); this module cleans the cells the
student wrote: markdown keeps its text and harmless tags, raw cells lose their HTML mime type,
attachments keep raster images only.
"""

import re

import bleach

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title", "width", "height"]}
PROTOCOLS = {"http", "https", "mailto", "attachment"}
_TAG = re.compile(r"<[/!?a-zA-Z]")  # the start of a tag, closed or not
_SCRIPT_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
RASTER = ("image/png", "image/jpeg", "image/gif")


def clean_markdown(text):
    """Markdown with no active HTML: tags outside a small safe set are escaped, event
    attributes dropped, script links disabled. Text in which nothing can start a tag is left
    exactly as it is (so `$x<0$` stays); otherwise all of it is cleaned, since a tag left
    open would swallow the markup that follows it."""
    if _TAG.search(text):
        text = bleach.clean(text, tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS)
    return _SCRIPT_LINK.sub("](blocked:", text)


def clean_cell(cell):
    """Clean a cell the student wrote, in place -> the cell."""
    if cell.cell_type == "markdown":
        cell.source = clean_markdown(cell.source)
        attachments = cell.get("attachments") or {}
        for name in list(attachments):
            kept = {k: v for k, v in dict(attachments[name]).items() if k in RASTER}
            if kept:
                attachments[name] = kept
            else:
                del attachments[name]
    elif cell.cell_type == "raw":
        cell.metadata.pop("raw_mimetype", None)
        cell.metadata.pop("format", None)
    return cell
