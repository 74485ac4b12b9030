"""The instructor's grading pipeline: `python -m autograder release|grade|merge|export|...`."""

import sys

# nbformat validates notebooks with jsonschema, which imports rfc3987_syntax when it is installed
# (jupyter-events requires it) to check the "iri" format: that import builds an Earley parser and
# takes about 1.5 s in every grading process. Notebook schemas use no IRI format, so the import
# is skipped here (jsonschema then leaves that format unchecked, as without the package).
sys.modules.setdefault("rfc3987_syntax", None)
