"""Hostile and benign student markdown, and the formgrader's own page to judge what a TA would see.

`formgrade_page` renders a graded notebook the way nbgrader's formgrader does for a submission
(its `SubmissionHandler`: nbconvert's HTMLExporter with the `formgrade` template nbgrader ships);
`active_parts` lists what in a stretch of that page a browser would run, follow or load.
"""

import html
import re
from html.parser import HTMLParser

import nbformat

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
       "rkJggg==")

# each one is a markdown cell of its own
HOSTILE = {
    "reference_link": "My answer is [here][1].\n\n[1]: javascript:alert(1)",
    "reference_link_next_line": "[x][r]\n\n[r]:\n   javascript:alert(1)",
    "reference_shortcut_angle": "[Click]\n\n[click]: <javascript:alert(1)> 'title'",
    "reference_image": "![tracker][p]\n\n[p]: https://evil.example/pixel.png",
    "decimal_entity": "[x](&#106;avascript:alert(1))",
    "padded_decimal_entity": "[x](&#0000106avascript:alert(1))",
    "colon_entity": "[x](javascript&#58;alert(1))",
    "named_colon": "[x](javascript&colon;alert(1))",
    "mixed_case": "[x](JaVaScRiPt:alert(1))",
    "upper_case": "[x](JAVASCRIPT:alert(1))",
    "leading_space": "[x]( javascript:alert(1))",
    "angle_destination": "[x](<javascript:alert(1)>)",
    "with_title": '[x](javascript:alert(1) "a title")',
    "vbscript": "[x](vbscript:msgbox(1))",
    "data_html": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data_html_raw": "[x](data:text/html,<script>alert(1)</script>)",
    "nested_brackets": "[a [b [c]] d](javascript:alert(1))",
    "link_in_link": "[[x](javascript:alert(1))](javascript:alert(2))",
    "backslash_escape": "[x](javascript\\:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "autolink_vbscript": "<vbscript:msgbox(1)>",
    "image_https": "![t](https://evil.example/pixel.png)",
    "image_protocol_relative": "![t](//evil.example/pixel.png)",
    "image_svg_data": "![t](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "image_missing_attachment": "![t](attachment:missing.png)",
    "raw_img_protocol_relative": "<img src=//evil.example/p.png>",
    "raw_img_https_alt": '<img src="https://evil.example/p.png" alt="my plot">',
    "raw_img_onerror": "<img src=x onerror=alert(1)>",
    "raw_img_cr_entity": '<IMG SRC="jav&#x0D;ascript:alert(1)">',
    "raw_a_tab_entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "raw_a_javascript": '<a href="javascript:alert(1)">x</a>',
    "raw_a_onclick": "<a href=https://ok.example onclick=alert(1)>y</a>",
    "raw_script": "<script>alert(1)</script>",
    "raw_svg_onload": "<svg onload=alert(1)>",
    "raw_iframe": "<iframe src=javascript:alert(1)></iframe>",
    "raw_details": "<details open ontoggle=alert(1)>x</details>",
    "raw_form": '<form action="javascript:alert(1)"><button>go</button></form>',
    "raw_style": "<style>body{background:url(https://evil.example/p.png)}</style>",
    "raw_comment": "<!--><img src=x onerror=alert(1)>-->",
    "mermaid_block": "```mermaid\n<img src=x onerror=alert(1)>\n```",
}

# markdown a student writes every day: kept exactly as written
BENIGN = {
    "math": "Math without tags: $x<0$, $a < b$ and $$\\sum_i L_i > 0$$",
    "code": "Use `np.maximum(0, s)`:\n\n```python\nscores = X @ W\nif s[0] < 1:\n    pass\n```",
    "links": "See [CS231n](https://cs231n.github.io/optimization-2/ \"notes\"), "
             "<https://numpy.org> and [mail](mailto:ta@uni.example).",
    "heading_anchor": "## My derivation\n\nAs in [the derivation](#My-derivation).",
    "table": "| $W$ | shape |\n|:--|--:|\n| W1 | (D, H) |\n| b1 | (H,) |",
    "lists": "1. forward\n2. backward\n\n- [x] checked\n- *em*, **strong**, ~~gone~~",
    "attachment": "![my plot](attachment:plot.png)",
    "embedded_png": f"![dot](data:image/png;base64,{PNG})",
    "safe_tags": "The loss <b>decreases</b>, x<sub>i</sub>",
}
ATTACHMENTS = {"plot.png": {"image/png": PNG}}


def notebook(cells):
    """A notebook of markdown `cells`, each between two instructor cells that mark it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(cells):
        nb.cells += [nbformat.v4.new_markdown_cell(f"BEGIN-{i}"), cell,
                     nbformat.v4.new_markdown_cell(f"END-{i}")]
    return nb


_exporters = []


def formgrade_page(path):
    """The HTML nbgrader's formgrader serves for the graded notebook at `path`."""
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    if not _exporters:  # as FormgradeExtension configures its exporter
        _exporters.append(HTMLExporter(template_name="formgrade",
                                       extra_template_basedirs=[handlers.template_path]))
    exporter = _exporters[0]
    resources = {"assignment_id": "a1", "notebook_id": "a1", "submission_id": "s1", "index": 0,
                 "total": 1, "base_url": "/", "student": "s1", "last_name": "L",
                 "first_name": "F", "notebook_path": "autograded/s1/a1/a1.ipynb"}
    page, _ = exporter.from_filename(str(path), resources=resources)
    return page


def between(page, i):
    """The part of `page` rendered from cell `i` of `notebook` (between its markers)."""
    start, end = page.index(f"BEGIN-{i}"), page.index(f"END-{i}")
    return page[start:end]


ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "style", "svg", "math", "form",
               "link", "meta", "base", "details", "template"}
# the same, read from the raw text: also what a comment or a bogus tag would hide from a parser
_RAW_ACTIVE = re.compile(r"<(?:" + "|".join(ACTIVE_TAGS) + r")\b|<[a-z][^>]*[\s/\"']on[a-z]+\s*=",
                         re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "background",
                  "poster", "data"}


def _url(value):
    """An attribute value as a browser resolves it, and then some: references decoded, white
    space and control characters removed everywhere, lower case."""
    return re.sub(r"[\x00-\x20\x7f-\x9f\s]+", "", html.unescape(value)).lower()


class _Active(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = _url(value or "")
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            elif name in URL_ATTRIBUTES and url.startswith(("javascript:", "vbscript:",
                                                              "data:text", "data:image/svg")):
                self.found.append(f"{tag} {name}={url[:30]}")
            elif tag == "img" and name == "src" and url.startswith(("http:", "https:", "//")):
                self.found.append(f"external image {url[:30]}")
            elif name == "style" and "url(" in url:
                self.found.append(f"{tag} style with url(")


def active_parts(fragment):
    """What in the HTML `fragment` a browser would run, follow into a script or load from
    elsewhere: what a parser finds, and any active tag or `on...=` attribute in the raw text."""
    parser = _Active()
    parser.feed(fragment)
    parser.close()
    return parser.found + _RAW_ACTIVE.findall(fragment)
