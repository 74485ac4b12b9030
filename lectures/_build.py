"""Build the lecture notebooks from their readable sources in lectures/src/ (the one source of truth).

A source is a Python file in the "percent" format: `# %% [markdown]` starts a markdown cell
(its lines are written as comments, `# text`), `# %%` starts a code cell. In a code cell an
IPython magic is written commented out, `# %matplotlib inline`, so that the source stays plain
Python; the notebook gets the magic itself. The notebooks are
written without outputs and execution counts, with stable cell ids, so rebuilding an unchanged
source gives an identical file.

    python lectures/_build.py            # write lectures/NN_name.ipynb for every source
    python lectures/_build.py --check    # exit 1 if a notebook differs from its source
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

LECTURES = Path(__file__).resolve().parent
SOURCES = LECTURES / "src"
MAGIC = re.compile(r"# %[a-z]")  # a commented-out line magic in a code cell


def parse_percent(text):
    """Split a percent-format source into a list of (cell_type, source) pairs."""
    cells = []
    kind, lines = None, []

    def flush():
        """Close the cell being read: append it to `cells`, without its outer blank lines."""
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            body = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        else:
            body = [line[2:] if MAGIC.match(line) else line for line in lines]
        cells.append((kind, "\n".join(body)))

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def build_notebook(source_path):
    """The notebook (nbformat NotebookNode) for one source file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    stem = source_path.stem
    for i, (kind, text) in enumerate(parse_percent(source_path.read_text(encoding="utf-8"))):
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        cell.id = f"{stem[:2]}-{i:03d}"  # stable ids: rebuilding gives the same file
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def notebook_text(nb):
    """The notebook as committed: nbformat's JSON with a final newline."""
    return nbformat.writes(nb) + "\n"


def main(argv=None):
    """Write (or with --check compare) every lecture notebook -> exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that notebooks are up to date")
    args = parser.parse_args(argv)
    stale = []
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        target = LECTURES / (source.stem + ".ipynb")
        text = notebook_text(build_notebook(source))
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(LECTURES.parent)}")
    if stale:
        print("out of date with lectures/src (run python lectures/_build.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
