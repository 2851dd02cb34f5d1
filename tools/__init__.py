"""Pure, fast, agent-independent capabilities (levels, DICOM, de-identification, settings).

Nothing here imports `agents` or `graphs`: data flows tools <- agents <- graphs <- ui/evals.
"""
