"""SpineBench-style evaluation: ``python -m evals.spinebench`` (see ``evals/README.md``)."""
