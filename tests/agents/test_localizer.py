"""agents.localizer: the node alone, and inside a real LangGraph graph with a checkpointer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.graph.message import add_messages

from agents.localizer import Attachment, LevelEvidence, localize
from agents.turn import TurnFacts, read_turn, user_texts
from tests.dicom_factory import write_image


class ConsultState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    attachments: list[Attachment]
    facts: TurnFacts
    levels: list[str]
    level_evidence: list[LevelEvidence]


async def _read(state: ConsultState) -> dict[str, Any]:
    return {"facts": read_turn(state["messages"], state.get("attachments") or [])}


def _graph() -> Any:
    builder = StateGraph(ConsultState)
    builder.add_node("read", _read)
    builder.add_node("localize", localize)
    builder.add_edge(START, "read")
    builder.add_edge("read", "localize")
    return builder.compile(checkpointer=InMemorySaver())


async def turn(state: dict[str, Any]) -> dict[str, Any]:
    """The turn read once, then the node; with this turn's warnings and imaging from the facts."""
    facts = read_turn(state["messages"], state.get("attachments") or [])
    update = await localize({"facts": facts})
    imaging = [s.summary for s in facts.series]
    return {**update, "level_warnings": facts.warnings, "imaging": imaging}


async def test_text_levels_with_spans_and_order() -> None:
    text = "Pain since my L5-S1 and L4/5 discs herniated; my old report said 腰3/4."
    update = await turn({"messages": [{"role": "user", "content": text}]})
    assert update["levels"] == ["L3-L4", "L4-L5", "L5-S1"]
    for e in update["level_evidence"]:
        assert e.source == "text" and e.turn == 1
        assert e.start is not None and text[e.start : e.end] == e.surface
    assert update["level_warnings"] == []


async def test_levels_accumulate_across_turns_in_a_graph() -> None:
    graph = _graph()
    config = {"configurable": {"thread_id": "t1"}}
    first = await graph.ainvoke({"messages": [HumanMessage("Numb foot, MRI says L4-5.")]}, config)
    assert first["levels"] == ["L4-L5"]
    await graph.aupdate_state(config, {"messages": [AIMessage("Which side?")]})
    second = await graph.ainvoke(
        {"messages": [HumanMessage("Left. Also neck pain at C5/6; transitional L6.")]}, config
    )
    assert second["levels"] == ["C5-C6", "L4-L5"]
    assert [(e.level, e.turn) for e in second["level_evidence"]] == [("L4-L5", 1), ("C5-C6", 2)]
    assert len(second["facts"].warnings) == 1 and "L6" in second["facts"].warnings[0]
    third = await graph.ainvoke({"messages": [HumanMessage("Thanks, that's all.")]}, config)
    assert third["levels"] == ["C5-C6", "L4-L5"] and third["facts"].warnings == []


async def test_report_attachment_adds_evidence_and_flags_disagreement(tmp_path: Path) -> None:
    report = tmp_path / "mri_report.txt"
    report.write_text("IMPRESSION: large L2-3 extrusion; L7 noted.", encoding="utf-8")
    update = await turn(
        {
            "messages": [{"role": "user", "content": "My L4-5 disc is the problem, right?"}],
            "attachments": [Attachment(path=str(report), kind="report")],
        }
    )
    assert update["levels"] == ["L2-L3", "L4-L5"]
    sources = {(e.level, e.source, e.file) for e in update["level_evidence"]}
    assert ("L2-L3", "report", "mri_report.txt") in sources
    warnings = " | ".join(update["level_warnings"])
    assert "L7" in warnings and "levels disagree" in warnings and "L2-L3" in warnings


async def test_unreadable_report_is_a_warning_not_an_error(tmp_path: Path) -> None:
    update = await turn(
        {
            "messages": [{"role": "user", "content": "see report"}],
            "attachments": [{"path": str(tmp_path / "missing.txt"), "kind": "report"}],
        }
    )
    assert update["levels"] == []
    assert update["level_warnings"] and "missing.txt" in update["level_warnings"][0]


def test_user_texts_read_multimodal_parts() -> None:
    messages = [
        HumanMessage("first"),
        AIMessage("reply"),
        HumanMessage(content=[{"type": "text", "text": "C7-T1 here"}, {"type": "image_url"}]),
    ]
    facts = read_turn(messages)
    assert (facts.number, facts.text) == (2, "C7-T1 here")
    assert user_texts(messages) == ["first", "C7-T1 here"]


def _axial_series(folder: Path, n: int = 60) -> None:
    """A synthetic axial CT series: 3 mm slices from z = -120 mm, 8x8 pixels of 2 mm."""
    import numpy as np
    from pydicom.uid import CTImageStorage, generate_uid

    series_uid = generate_uid()
    for k in reversed(range(n)):  # file order must not matter
        write_image(
            folder / f"{k:03d}.dcm",
            np.full((8, 8), k, dtype=np.uint16),
            sop_class=CTImageStorage,
            modality="CT",
            series_uid=series_uid,
            PatientName="Doe^Jane",
            PatientID="MRN778899",
            StudyDate="20240305",
            BodyPartExamined="LSPINE",
            SeriesDescription="AX T2 L4-5 Doe",
            ImagePositionPatient=[-8.0, -8.0, -120.0 + 3.0 * k],
            ImageOrientationPatient=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            PixelSpacing=[2.0, 2.0],
            SliceThickness=3.0,
        )


def _verse_centroids(path: Path) -> None:
    """L2..S1 centroids, in the series' own voxel axes (direction L, P, S), 33 mm apart."""
    import json

    z_mm = {21: 39.0, 22: 6.0, 23: -27.0, 24: -60.0, 26: -93.0}  # VerSe: 21 L2 … 24 L5, 26 S1
    entries: list[dict[str, Any]] = [{"direction": ["L", "P", "S"]}]
    entries += [{"label": n, "X": 4.0, "Y": 4.0, "Z": (z + 120.0) / 3.0} for n, z in z_mm.items()]
    path.write_text(json.dumps(entries), encoding="utf-8")


async def test_dicom_series_and_centroids(tmp_path: Path) -> None:
    _axial_series(tmp_path / "ct")
    _verse_centroids(tmp_path / "centroids.json")
    update = await turn(
        {
            "messages": [{"role": "user", "content": "Is my pain from L2-3?"}],
            "attachments": [
                # slice 25 lies at z = -45 mm, in the disc space between L4 (-27) and L5 (-60)
                {"path": str(tmp_path / "ct"), "kind": "dicom", "slice_index": 25},
                {"path": str(tmp_path / "centroids.json"), "kind": "centroids"},
            ],
        }
    )
    by_source = {(e.source, e.level) for e in update["level_evidence"]}
    assert ("centroids", "L4-L5") in by_source and ("dicom", "L4-L5") in by_source
    assert update["levels"] == ["L2-L3", "L4-L5"]
    centroid = next(e for e in update["level_evidence"] if e.source == "centroids")
    assert centroid.surface == "slice 26 of 60 (axial)" and centroid.file == "centroids.json"
    assert sum("levels disagree" in w for w in update["level_warnings"]) == 2
    (summary,) = update["imaging"]
    assert summary["slices"] == 60 and summary["plane"] == "axial" and summary["modality"] == "CT"
    assert "PatientName" in summary["phi_tags_removed"]
    shown = repr(summary)
    assert "Doe" not in shown and "MRN778899" not in shown and "20240305" not in shown


async def test_middle_slice_by_default(tmp_path: Path) -> None:
    _axial_series(tmp_path / "ct")
    _verse_centroids(tmp_path / "centroids.json")
    update = await turn(
        {
            "messages": [{"role": "user", "content": "CT attached"}],
            "attachments": [
                {"path": str(tmp_path / "centroids.json"), "kind": "centroids"},  # order-free
                {"path": str(tmp_path / "ct"), "kind": "dicom"},
            ],
        }
    )
    # slice 30 is at z = -30 mm, 3 mm below the L4 centroid: the L4 body
    assert [e.level for e in update["level_evidence"] if e.source == "centroids"] == ["L4"]


async def test_bad_uploads_are_warnings(tmp_path: Path) -> None:
    junk = tmp_path / "scan.dcm"
    junk.write_bytes(b"\x00\x01garbage" * 50)
    bad_json = tmp_path / "centroids.json"
    bad_json.write_text("{not json", encoding="utf-8")
    update = await turn(
        {
            "messages": [{"role": "user", "content": "L5-S1?"}],
            "attachments": [
                {"path": str(junk), "kind": "dicom"},
                {"path": str(bad_json), "kind": "centroids"},
                {"path": str(tmp_path / "nowhere"), "kind": "dicom"},
            ],
        }
    )
    assert update["levels"] == ["L5-S1"] and update["imaging"] == []
    assert len(update["level_warnings"]) == 3
    assert all("\n" not in w for w in update["level_warnings"])
    assert any(w.startswith("scan.dcm: skipped") for w in update["level_warnings"])
    assert any("centroids need a DICOM series" in w for w in update["level_warnings"])
    assert any(w.startswith("nowhere: could not be read") for w in update["level_warnings"])
