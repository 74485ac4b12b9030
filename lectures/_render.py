"""Render the lecture notebooks to HTML that reads offline: executed, figures embedded, math typeset.

Every lecture is executed from a fresh kernel in the lectures folder and exported with
nbconvert: its figures are embedded in the page as PNG data, and its math is typeset in the
browser by the copy of MathJax 2.7 that the `jupyter-server-mathjax` package ships, copied
next to the pages (mathjax/). No page loads anything from the network. An index page links the
lectures with their titles and learning goals.

    python lectures/_render.py                          # every lecture into lectures/html/
    python lectures/_render.py --out DIR 01_where_we_are  # some lectures into DIR
"""

import argparse
import html
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

LECTURES = Path(__file__).resolve().parent
OUTPUT = LECTURES / "html"
MATHJAX_DIR = "mathjax"
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# The package ships STIX-Web fonts only (not MathJax's default TeX fonts): use them, and never
# fall back to image fonts (not shipped) or to fonts installed on the reader's machine.
MATHJAX_FONTS = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
                                 imageFont: null},
                    MathMenu: {showFontMenu: false}});
</script>
"""
# JupyterLab's page without the scripts it would fetch from a CDN (RequireJS for widgets,
# Mermaid for diagrams): the lectures use neither.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
TIMEOUT_S = 120  # per cell


def lecture_notebooks(names=None):
    """The lecture notebooks (all, or those whose stem is in `names`), in order."""
    found = sorted(LECTURES.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return found
    by_stem = {p.stem: p for p in found}
    unknown = [n for n in names if n not in by_stem]
    if unknown:
        raise SystemExit(f"no lecture named {', '.join(unknown)}; the lectures are: "
                         + ", ".join(by_stem))
    return [by_stem[n] for n in names]


def mathjax_source():
    """The folder of MathJax 2.7 inside the jupyter-server-mathjax package."""
    try:
        import jupyter_server_mathjax
    except ImportError as exc:
        raise SystemExit("the offline math needs the jupyter-server-mathjax package: "
                         "pip install -r requirements.txt") from exc
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def copy_mathjax(out_dir):
    """Copy what the pages' MathJax configuration loads (TeX input, HTML-CSS output with the
    STIX-Web fonts, English menus) into out_dir/mathjax/. Returns the folder."""
    source = mathjax_source()
    target = out_dir / MATHJAX_DIR
    if target.exists():
        shutil.rmtree(target)
    skip = shutil.ignore_patterns("a11y", "SVG", "*.mp3", "*.ogg")
    target.mkdir(parents=True)
    shutil.copy2(source / "MathJax.js", target)
    shutil.copy2(source / "LICENSE", target)
    for folder in ("config", "extensions", "jax", "fonts"):
        shutil.copytree(source / folder, target / folder, ignore=skip)
    shutil.copytree(source / "localization" / "en", target / "localization" / "en")
    return target


def execute(path):
    """The notebook at `path`, executed from a fresh kernel in the lectures folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def to_html(nb):
    """The page of an executed notebook: figures embedded, math by the local MathJax."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", mathjax_url=MATHJAX_URL,
                            extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
                            template_file="offline.html.j2")
    body, _ = exporter.from_notebook_node(nb)
    script = f'<script src="{MATHJAX_URL}">'
    if script not in body:
        raise RuntimeError(f"nbconvert's page does not load MathJax with {script!r}")
    return body.replace(script, MATHJAX_FONTS + script, 1)


def title_and_goals(nb):
    """The first heading of a lecture and its learning goals (markdown bullet lines)."""
    first = nb.cells[0].source
    title = next((line[2:].strip() for line in first.splitlines() if line.startswith("# ")), "")
    goals_text = first.split("**Learning goals**", 1)[1] if "**Learning goals**" in first else ""
    goals, current = [], None
    for line in goals_text.splitlines():
        if line.startswith("- "):
            current = line[2:].strip()
            goals.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            goals[-1] += " " + line.strip()
    return title, goals


def _plain(markdown):
    """Markdown of a title or goal as HTML text: code spans kept, math left to MathJax."""
    text = html.escape(markdown, quote=False)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def index_page(entries):
    """The index: one link per lecture (entries of (file name, title, goals))."""
    items = []
    for name, title, goals in entries:
        goal_items = "".join(f"<li>{_plain(goal)}</li>" for goal in goals)
        items.append(f'<li><a href="{name}">{_plain(title)}</a><ul>{goal_items}</ul></li>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Neural networks and backpropagation: lectures</title>
<style>body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }}
li {{ margin: 0.3em 0; }} ol > li > a {{ font-weight: bold; }}</style>
{MATHJAX_FONTS}<script src="{MATHJAX_URL}"></script>
</head>
<body>
<h1>Neural networks and backpropagation: lectures</h1>
<p>Read them in order. Each page was executed from a fresh kernel; it reads without network.</p>
<ol>
{chr(10).join(items)}
</ol>
</body>
</html>
"""


def render(notebooks, out_dir):
    """Execute and render `notebooks` into out_dir with the MathJax copy and an index page.

    Returns the paths of the pages written (lectures first, then index.html).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out_dir)
    written, entries = [], []
    for path in notebooks:
        start = time.perf_counter()
        nb = execute(path)
        page = out_dir / f"{path.stem}.html"
        page.write_text(to_html(nb), encoding="utf-8")
        written.append(page)
        entries.append((page.name, *title_and_goals(nb)))
        print(f"wrote {page} ({time.perf_counter() - start:.1f} s)")
    index = out_dir / "index.html"
    index.write_text(index_page(entries), encoding="utf-8")
    written.append(index)
    print(f"wrote {index}")
    return written


def main(argv=None):
    """Render the lectures named on the command line (default all) to HTML -> exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", nargs="*", help="lecture stems, e.g. 01_where_we_are (default: all)")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output folder (default lectures/html)")
    args = parser.parse_args(argv)
    render(lecture_notebooks(args.lectures), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
