"""The graphs the agents run in.

- :mod:`graphs.consult`: the consult graph (``python -m graphs.consult``; its terminal front end
  is :mod:`graphs.cli`), with its state (:mod:`graphs.state`), memory (:mod:`graphs.memory`),
  checked uploads (:mod:`graphs.uploads`), clinicians' edits and users' feedback
  (:mod:`graphs.revisions`) and one-line failures (:mod:`graphs.errors`).
- :mod:`graphs.synthesis`: the synthesis graph, SpineMed-450k-style training data
  (``python -m graphs.synthesis``).
"""
