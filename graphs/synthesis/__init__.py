"""The synthesis graph: SpineMed-450k-style training data (``python -m graphs.synthesis``)."""
