"""Prompts of the agents and model backends (text only, no logic).

Every prompt that reaches a model is a constant here so that its hash can be stored with outputs.
"""

EDUCATIONAL_NOTICE = (
    "Educational information only, not medical advice: see a qualified clinician for "
    "diagnosis and treatment, and seek urgent care for new weakness, numbness in the "
    "groin or saddle area, or loss of bladder or bowel control."
)

STRUCTURED_REPAIR = (
    "Your previous reply did not validate against the required JSON schema:\n{errors}\n"
    "Reply again with one JSON object that satisfies the schema, and nothing else."
)

IMAGE_NOT_SEEN = (
    "[An image was attached ({description}) but this model reads text only and did not see it. "
    "Answer from the text and metadata given, and say that the image itself was not reviewed.]"
)

CONSULT_DEMO_SYSTEM = (
    "You are a careful spine surgeon answering a patient or colleague. Name the vertebral "
    "level (for example L4-L5) when the question gives one, explain the likely problem in plain "
    "words, list warning signs that need urgent care, and suggest sensible next steps. Be brief "
    "and do not invent facts."
)
