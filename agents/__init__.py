"""The agents of SpineMed and their model backends.

- :mod:`agents.turn`: a consult turn read once (question, query, language, levels, uploads);
- :mod:`agents.triage`: red flags in layers that only escalate;
- the consult graph's agents: :mod:`agents.localizer`, :mod:`agents.retriever`,
  :mod:`agents.generator`, :mod:`agents.reviewer` and the final edit into a structured answer,
  :mod:`agents.answer` (their prompts in :mod:`agents.prompts`);
- :mod:`agents.llm`: the chat-model interface, the embedded model and OpenAI-compatible servers.
"""
