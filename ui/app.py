"""SpineMed consult chat (Chainlit): ``make consult`` or ``chainlit run ui/app.py``.

Until the consult graph lands, this is the consult-shaped demo: the configured chat model
(vLLM endpoints, else the embedded SmolLM2) answers with a spine-surgeon system prompt, streamed,
with the conversation kept per chat session. The model loads once per process, not per session.
"""

from __future__ import annotations

import chainlit as cl

from agents.llm import ChatModel, LLMError, Message, assistant, chat_model, system, user
from agents.prompts import CONSULT_DEMO_SYSTEM, EDUCATIONAL_NOTICE

_MODEL: ChatModel | None = None
MAX_TURNS_KEPT = 6  # earlier turns fall out of the small embedded model's context


def shared_model() -> ChatModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = chat_model()
    return _MODEL


@cl.on_chat_start
async def start() -> None:
    cl.user_session.set("history", [])
    try:
        name = shared_model().model_name
    except (LLMError, ValueError) as exc:
        await cl.Message(content=f"Configuration error: {exc}").send()
        return
    await cl.Message(
        content=f"SpineMed consult (demo) — model: {name}.\n\n_{EDUCATIONAL_NOTICE}_"
    ).send()


@cl.on_message
async def answer(message: cl.Message) -> None:
    history: list[Message] = cl.user_session.get("history") or []
    turns = [system(CONSULT_DEMO_SYSTEM), *history[-2 * MAX_TURNS_KEPT :], user(message.content)]
    reply = cl.Message(content="")
    try:
        async for piece in shared_model().stream(turns):
            await reply.stream_token(piece)
    except (LLMError, ValueError) as exc:
        await cl.Message(content=f"The model could not answer: {exc}").send()
        return
    text = reply.content
    await reply.stream_token(f"\n\n_{EDUCATIONAL_NOTICE}_")
    await reply.send()
    history += [user(message.content), assistant(text)]
    cl.user_session.set("history", history)
