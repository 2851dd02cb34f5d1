"""SpineBench evaluation and RAG evaluation (to come)."""
