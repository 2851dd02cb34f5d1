"""Bundled spine corpus, ingestion and Chroma retrieval (to come)."""
