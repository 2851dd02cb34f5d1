"""The Chainlit chat (``chainlit run ui/app.py``)."""
