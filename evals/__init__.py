"""Evaluations: SpineBench-style scoring of a model (:mod:`evals.spinebench`), the RAG evaluation
of the retriever and of the consult graph's answers with ragas (:mod:`evals.rag`, question sets
in :mod:`evals.rag_items`) and triage on labelled vignette sets (:mod:`evals.triage`).
"""
