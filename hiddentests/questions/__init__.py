"""The graded questions, one module per assignment, one `Question` entry per graded cell.

An entry holds the grade id, the points, the probe (from `hiddentests.probes.<assignment>`,
run in the student's kernel) and the judge (from `hiddentests.judges.<assignment>`, run
outside it). Points live here only: nothing that runs in the student's kernel knows them.
"""
