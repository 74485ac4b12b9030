"""The instructor's grading pipeline: `python -m autograder release|grade|merge|export|...`."""
