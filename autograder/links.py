"""Link and image targets in a student's markdown: which are safe to render, and removing the rest.

A target is judged as a browser reads it (`url_as_read`): `&#106;avascript:`, `javascript&colon;`,
` JaVaScRiPt:` and `jav<tab>ascript:` are all `javascript:`. Links may go to http(s), mailto or
an anchor of the page; images must be embedded in the notebook. `neutralize_links` rewrites the
markdown forms that carry a target (inline links and images, reference definitions); raw HTML
is bleach's job (`inert.clean_html`), and whatever this misses is caught when the cleaned cell
is rendered and judged again.
"""

import html
import re

LINK_PREFIXES = ("http://", "https://", "mailto:", "#")
_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*")
_EDGES = "".join(map(chr, range(0x21)))  # what a browser strips around a URL: C0 and space
_TAB_NEWLINE = re.compile(r"[\t\n\r]")  # what a browser removes anywhere in a URL
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a markdown backslash escape
_DEFINITION = re.compile(r"^( {0,3})\[((?:[^\[\]\\\n]|\\.){1,999})\]:[ \t]*\n?[ \t]*"
                         r"(<[^<>\n]*>|\S+)", re.MULTILINE)
REACH = 2000  # how far a link's brackets, target and title are looked for (keeps it linear)
_IMAGE_REF = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\](?:\[((?:[^\[\]\\]|\\.)*)\])?")


def url_as_read(url):
    """`url` as a browser resolves it: character references decoded, the C0 controls and spaces
    around it and every tab or newline in it removed, ASCII letters in lower case. Removing
    more than a browser does would let `ht tps:` pass for `https:`, which a browser reads as a
    relative link."""
    url = _TAB_NEWLINE.sub("", html.unescape(url)).strip(_EDGES)
    return "".join(c.lower() if c.isascii() else c for c in url)


def safe_link(url):
    """True if following `url` leaves for the web or a mail client, or moves within the page:
    http(s), mailto, #anchor."""
    return url_as_read(url).startswith(LINK_PREFIXES)


def safe_image(url):
    """True if showing the image at `url` loads nothing from elsewhere: a notebook attachment
    or an embedded PNG, JPEG or GIF."""
    url = url_as_read(url)
    return url.startswith("attachment:") or bool(_RASTER_DATA.fullmatch(url))


def markdown_target(dest):
    """The URL a markdown link destination stands for: <brackets>, backslash escapes and
    character references undone."""
    if dest.startswith("<") and dest.endswith(">"):
        dest = dest[1:-1]
    return html.unescape(_ESCAPED.sub(r"\1", dest))


def neutralize_links(text):
    """`text` with every inline link to an unsafe target reduced to its text, every image that
    is not embedded to its alt text, and every reference definition that one of those would
    use escaped into a plain line."""
    return _inline(_definitions(text))


def _definitions(text):
    """Reference definitions `[label]: target` with an unsafe target (for a link, or for an
    image when an image uses the label) turned into text."""
    images = {_label(m.group(2) or m.group(1)) for m in _IMAGE_REF.finditer(text)}

    def fix(m):
        target = markdown_target(m.group(3))
        safe = safe_image(target) if _label(m.group(2)) in images else safe_link(target)
        return m.group(0) if safe else m.group(1) + "\\" + m.group(0)[len(m.group(1)):]

    return _DEFINITION.sub(fix, text)


def _label(label):
    """A reference label as markdown matches it: case and runs of white space do not count."""
    return " ".join(label.split()).casefold()


def _inline(text):
    """`text` with unsafe inline links and images `[text](target "title")` replaced."""
    pos = 0
    while (close := text.find("](", pos)) >= 0:
        link = _inline_at(text, close)
        if link is None:
            pos = close + 2
            continue
        start, end, inner, image, target = link
        if (safe_image if image else safe_link)(target):
            pos = close + 2
        else:
            text = text[:start] + inner + text[end:]
            pos = start
    return text


def _inline_at(text, close):
    """(start, end, inner text, is an image, target) of the inline link whose `]` is at
    `close`, or None when none is there."""
    if _escaped(text, close):
        return None
    opening = _opening_bracket(text, close)
    if opening is None:
        return None
    dest, end = _destination(text, close + 2)
    if end is None:
        return None
    image = opening > 0 and text[opening - 1] == "!" and not _escaped(text, opening - 1)
    start = opening - 1 if image else opening
    return start, end, text[opening + 1:close], image, markdown_target(dest)


def _escaped(text, i):
    """True if the character at `i` is escaped by an odd run of backslashes."""
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _opening_bracket(text, close):
    """The index of the `[` matching the `]` at `close` (nested brackets counted), or None."""
    depth = 0
    for i in range(close, max(-1, close - REACH), -1):
        if text[i] in "[]" and not _escaped(text, i):
            depth += 1 if text[i] == "]" else -1
            if depth == 0:
                return i
    return None


def _destination(text, i):
    """(destination, index after the closing parenthesis) of an inline link whose `(` ends
    before `i`; (None, None) when the text there is not a link's target."""
    i = _skip_space(text, i)
    if text.startswith("<", i):
        end = text.find(">", i, i + REACH)
        if end < 0 or "\n" in text[i:end]:
            return None, None
        dest, i = text[i:end + 1], end + 1
    else:
        dest, i = _bare_destination(text, i)
    i = _skip_space(text, i)
    if i < len(text) and text[i] in "\"'(":
        closing = ")" if text[i] == "(" else text[i]
        end = text.find(closing, i + 1, i + REACH)
        if end < 0:
            return None, None
        i = _skip_space(text, end + 1)
    if i < len(text) and text[i] == ")":
        return dest, i + 1
    return None, None


def _bare_destination(text, i):
    """(destination, index after it) of a target not in <brackets>: up to white space or the
    parenthesis that closes the link, nested parentheses and escapes counted."""
    start, depth, stop = i, 0, min(len(text), i + REACH)
    while i < stop and not text[i].isspace() and ord(text[i]) >= 0x20:
        if text[i] == "\\":
            i += 1
        elif text[i] == "(":
            depth += 1
        elif text[i] == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i], min(i, stop)


def _skip_space(text, i):
    """The index of the first character at or after `i` that is not a space, tab or newline."""
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i
