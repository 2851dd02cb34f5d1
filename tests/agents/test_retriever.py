"""The retriever node in a real LangGraph graph after the localizer, on the real bundled store."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from agents.localizer import localize
from agents.retriever import Evidence, retrieve
from agents.turn import TurnFacts, build_query, read_turn, user_texts
from tools.settings import Settings, get_settings


class State(TypedDict, total=False):
    messages: Annotated[list[Any], operator.add]
    facts: TurnFacts
    levels: list[str]
    level_evidence: list[Any]
    evidence: list[Evidence]
    retrieval_warnings: list[str]


def _graph(settings: Settings) -> Any:
    async def read(state: State) -> dict[str, Any]:
        return {"facts": read_turn(state["messages"])}

    async def search(state: State) -> Any:
        return await retrieve(state, settings)

    graph = StateGraph(State)
    graph.add_node("read", read)
    graph.add_node("localize", localize)
    graph.add_node("retrieve", search)
    graph.add_edge(START, "read")
    graph.add_edge("read", "localize")
    graph.add_edge("localize", "retrieve")
    graph.add_edge("retrieve", END)
    return graph.compile(checkpointer=InMemorySaver())


def test_build_query_carries_short_follow_ups() -> None:
    first = HumanMessage("My MRI shows an L5-S1 disc herniation pressing on a nerve.")
    assert build_query(user_texts([first])) == first.content
    follow = [first, AIMessage("..."), HumanMessage("and surgery?")]
    assert build_query(user_texts(follow)) == f"{first.content}\nand surgery?"
    long = "What are the non-operative options for this kind of problem in general?"
    assert build_query(user_texts([first, HumanMessage(long)])) == long
    assert build_query([]) == ""


async def test_levels_from_earlier_turns_steer_the_evidence(bundled_settings: Settings) -> None:
    app = _graph(bundled_settings)
    config = {"configurable": {"thread_id": "t1"}}
    await app.ainvoke(
        {"messages": [HumanMessage("I have a far-lateral disc herniation at L4-5.")]}, config
    )
    state = await app.ainvoke(
        {"messages": [HumanMessage("Which nerve root is compressed, and what will it cause?")]},
        config,
    )
    assert state["levels"] == ["L4-L5"]
    evidence = state["evidence"]
    assert len(evidence) == bundled_settings.retrieval_k
    assert all(e.citation for e in evidence)
    assert evidence[0].level_match == "chunk" and "L4-L5" in evidence[0].levels
    assert not state["retrieval_warnings"]


async def test_dead_store_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from knowledge import reset_retrievers

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SPINE_CHROMA_URL", f"http://127.0.0.1:{port}")
    reset_retrievers()
    facts = read_turn([HumanMessage("L4-L5 stenosis, what now?")])
    update = await retrieve({"facts": facts}, get_settings())
    assert update["evidence"] == []
    [warning] = update["retrieval_warnings"]
    assert warning.startswith("knowledge base unavailable: Chroma at http://127.0.0.1:")
