"""`python -m autograder`: release, grade, merge and demo (see autograder/cli.py)."""

from .cli import main

raise SystemExit(main())
