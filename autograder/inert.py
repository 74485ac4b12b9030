"""Make what a student wrote inert before a TA's browser renders it.

Graded notebooks open in the formgrader, in the origin where grades are edited, and feedback
HTML is read by TAs too. A `<script>`, an `onerror=` attribute or a `javascript:` link in a
student's markdown would run there; an external image would tell its owner who opened it, and
when. Code outputs are filtered where they are collected (only text and raster images are kept:
`outputs.INERT_MIMETYPES`); this module cleans the cells the student wrote.

A markdown cell is judged by what it becomes: nbconvert's markdown renderer, the one the
formgrader and the feedback pages use, turns it into HTML, and that HTML may hold only a small
set of tags, no event attributes, links to http(s), mailto or an anchor of the page, and images
embedded in the notebook (attachments, PNG/JPEG/GIF data). A cell that passes is kept exactly as
written. One that does not is cleaned (raw HTML through bleach, unsafe link targets removed, an
external image replaced by its alt text) and judged again; if it still does not pass, the cell
shows its markdown as plain text in a code block. Raw cells lose their HTML mime type,
attachments keep raster images only.
"""

import re
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter

from .links import neutralize_links, safe_image, safe_link

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title", "width", "height"]}
# what the markdown renderer itself writes besides TAGS and ATTRIBUTES (anchors of headings,
# task lists, definition lists, table alignment, highlighted code)
RENDERED_TAGS = TAGS | {"dl", "dt", "dd", "input"}
RENDERED_ATTRIBUTES = {"a": {"class"}, "ol": {"start"}, "li": {"class"}, "code": {"class"},
                       "div": {"class"}, "span": {"class"}, "pre": {"class"},
                       "input": {"class", "type", "disabled", "checked"},
                       "th": {"style"}, "td": {"style"},
                       **{f"h{n}": {"id"} for n in range(1, 7)}}
RASTER = ("image/png", "image/jpeg", "image/gif")
_ALIGN = re.compile(r"text-align:(?:left|right|center)")
_TAG = re.compile(r"<[/!?a-zA-Z]")  # the start of a tag, closed or not
MAX_CHARS = 20_000  # a longer markdown cell is shown as text (a real one has ~2 KB)
# markdown judged per notebook (rendering and cleaning cost ~30 us per character of hostile
# markdown); the cells past it are shown as text, which costs ~2 us per character
JUDGED_CHARS = 200_000
LONG_NOTE = ("*[shown as text: this notebook's markdown is too long to be checked for links, "
             "images or HTML]*")
TEXT_NOTE = ("*[shown as text: this markdown had links, images or HTML that a grader's browser "
             "must not load or run]*")


class _Inspector(HTMLParser):
    """Reads rendered HTML and records the first thing in it that is not inert."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problem = None

    def _flag(self, what):
        self.problem = self.problem or what

    def handle_starttag(self, tag, attrs):
        if tag not in RENDERED_TAGS:
            self._flag(f"tag <{tag}>")
        for name, value in attrs:
            self._flag(_attribute_problem(tag, name, value or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self._flag("a comment")

    def handle_decl(self, decl):
        self._flag("a declaration")

    def handle_pi(self, data):
        self._flag("a processing instruction")

    def unknown_decl(self, data):
        self._flag("a declaration")


def _attribute_problem(tag, name, value):
    """What is wrong with attribute `name`=`value` of `tag`, or None."""
    if tag == "a" and name == "href":
        return None if safe_link(value) else f"link to {value[:40]!r}"
    if tag == "img" and name == "src":
        return None if safe_image(value) else f"image from {value[:40]!r}"
    if tag == "input" and name == "type" and value != "checkbox":
        return f"input of type {value!r}"
    if name == "style" and not _ALIGN.fullmatch(value):
        return "a style"
    allowed = set(ATTRIBUTES.get(tag, ())) | RENDERED_ATTRIBUTES.get(tag, set())
    return None if name in allowed else f"attribute {name} of <{tag}>"


class _Recorder:
    """Wraps nbconvert's markdown renderer to note whether the student's own HTML went through."""

    def __init__(self):
        self.raw_html = False

    def renderer(self, attachments):
        """nbconvert's renderer as HTMLExporter.markdown2html makes it, recording raw HTML."""
        from nbconvert.filters.markdown_mistune import IPythonRenderer

        recorder = self

        class Recording(IPythonRenderer):
            def block_html(self, text):
                recorder.raw_html = True
                return super().block_html(text)

            def inline_html(self, text):
                recorder.raw_html = True
                return super().inline_html(text)

        return Recording(escape=False, attachments=attachments, anchor_link_text="¶")


def render(text, attachments=None):
    """(the HTML nbconvert's markdown2html makes of `text`, whether raw HTML passed through)."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    recorder = _Recorder()
    body = MarkdownWithMath(renderer=recorder.renderer(attachments or {})).render(text)
    return body, recorder.raw_html


def problem(text, attachments=None, trust_raw=False):
    """The first thing in markdown `text` that would not be inert once rendered, or None.
    HTML the student wrote passes only with `trust_raw` (after bleach has rewritten it into
    the form a browser parses as we do)."""
    try:
        body, raw_html = render(text, attachments)
    except Exception as e:  # noqa: BLE001 - e.g. a missing attachment breaks the page
        return f"markdown that cannot be rendered ({type(e).__name__})"
    if raw_html and not trust_raw:
        return "raw HTML"
    inspector = _Inspector()
    inspector.feed(body)
    inspector.close()
    return inspector.problem


def clean_markdown(text, attachments=None):
    """Markdown that renders inert (see the module's docstring): `text` itself when it does,
    else `text` cleaned, else `text` as plain text in a code block (at once when it is over
    MAX_CHARS: judging it would cost more than it is worth)."""
    if len(text) > MAX_CHARS:
        return as_text(text, LONG_NOTE)
    if problem(text, attachments) is None:
        return text
    cleaned = neutralize_links(clean_html(text))
    if problem(cleaned, attachments, trust_raw=True) is None:
        return cleaned
    return as_text(text)


def clean_html(text):
    """`text` with its raw HTML reduced to TAGS and ATTRIBUTES (links and images as
    `safe_link` and `safe_image` allow), everything else escaped. Text in which nothing can
    start a tag is left exactly as it is (so `$x<0$` stays); otherwise all of it is cleaned,
    since a tag left open would swallow the markup that follows it."""
    if not _TAG.search(text):
        return text
    cleaner = bleach.Cleaner(tags=TAGS, attributes=_allowed_attribute, filters=[_AltText],
                             protocols={"http", "https", "mailto", "attachment", "data"})
    return cleaner.clean(text)


class _AltText(Filter):
    """bleach's last step: an <img> left without a source (it was not embedded) becomes its
    alt text."""

    def __iter__(self):
        for token in Filter.__iter__(self):
            if (token["type"] in ("StartTag", "EmptyTag") and token["name"] == "img"
                    and (None, "src") not in token["data"]):
                yield {"type": "Characters", "data": token["data"].get((None, "alt"), "")}
            else:
                yield token


def _allowed_attribute(tag, name, value):
    """bleach's filter: attribute `name` of `tag` may stay (URLs judged as a browser reads them)."""
    if name not in ATTRIBUTES.get(tag, ()):
        return False
    if (tag, name) == ("a", "href"):
        return safe_link(value)
    if (tag, name) == ("img", "src"):
        return safe_image(value)
    return True


def as_text(text, note=TEXT_NOTE):
    """`text` shown as it was written, in a fenced code block no line of it can close, after
    `note`."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * max([3] + [n + 1 for n in runs])
    shown = f"{note}\n\n{fence}\n{text}\n{fence}\n"
    if len(text) > MAX_CHARS or problem(shown) is None:
        return shown
    return note


class Budget:
    """How much markdown a notebook may still have judged (JUDGED_CHARS in all)."""

    def __init__(self, chars=JUDGED_CHARS):
        self.left = chars

    def take(self, text):
        """True if `text` may be judged (and counts against the budget), False if it is to be
        shown as text."""
        if len(text) > min(self.left, MAX_CHARS):
            return False
        self.left -= len(text)
        return True


def clean_cell(cell, budget=None):
    """Clean a cell the student wrote, in place -> the cell; markdown past the notebook's
    `budget` (a Budget) is shown as text."""
    if cell.cell_type == "markdown":
        attachments = cell.get("attachments") or {}
        for name in list(attachments):
            kept = {k: v for k, v in dict(attachments[name]).items() if k in RASTER}
            if kept:
                attachments[name] = kept
            else:
                del attachments[name]
        if budget is None or budget.take(cell.source):
            cell.source = clean_markdown(cell.source, attachments)
        else:
            cell.source = as_text(cell.source, LONG_NOTE)
    elif cell.cell_type == "raw":
        cell.metadata.pop("raw_mimetype", None)
        cell.metadata.pop("format", None)
    return cell

