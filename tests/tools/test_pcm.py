"""tools.pcm: label keys, citation forms, Markdown and PDF-page matching, odd and large input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools.pcm import (
    FigureRef,
    PcmResult,
    find_citations,
    match_markdown,
    match_pages,
    normalise_label,
)

LABELS = [
    ("Figure 3-2", "3-2"),
    ("Fig. 3.2", "3-2"),
    ("fig 3–2", "3-2"),
    ("Figure 3—2", "3-2"),
    ("图3-2", "3-2"),
    ("图 3-2", "3-2"),
    ("图３－２", "3-2"),
    ("图３．２", "3-2"),
    ("圖5", "5"),
    ("Figure 4a", "4a"),
    ("FIGURE 4A", "4a"),
    ("Figure 3(b)", "3b"),
    ("Figure S1", "s1"),
    ("Supplementary Figure S2", "s2"),
    ("Fig.12", "12"),
    ("Figure 03", "3"),
    ("Figure 2.", "2"),
    ("as shown in Figure 7, the disc", "7"),
    ("Figs. 2 and 3", "2"),
    ("见图1", "1"),
    ("如图 1 所示", "1"),
    ("图１Ａ", "1a"),
]

NO_LABELS = ["", "   ", "Table 3", "configure 3", "Figure", "Figure 2nd edition", "图像3", "L4-5"]


@pytest.mark.parametrize(("text", "label"), LABELS)
def test_normalise_label(text: str, label: str) -> None:
    assert normalise_label(text) == label


@pytest.mark.parametrize("text", NO_LABELS)
def test_normalise_label_none(text: str) -> None:
    assert normalise_label(text) is None


CITATIONS = [
    ("See Figure 3-2 for details.", ["3-2"]),
    ("as in Fig. 4a.", ["4a"]),
    ("(Fig. 1b)", ["1b"]),
    ("Figs. 2 and 3 show the cord.", ["2", "3"]),
    ("Figures 2, 3, and 4.", ["2", "3", "4"]),
    ("Figures 2–4 and 6", ["2", "3", "4", "6"]),
    ("see Figures 2-4", ["2", "3", "4"]),
    ("Figures 2 to 4", ["2", "3", "4"]),
    ("Figs. 3-2 and 3-3", ["3-2", "3-3"]),
    ("Figures 3-1 to 3-4", ["3-1", "3-2", "3-3", "3-4"]),
    ("Fig. 4a–c", ["4a", "4b", "4c"]),
    ("Figs. 4a, b", ["4a", "4b"]),
    ("Figure 2 and 3 patients", ["2"]),
    ("Figure 1 and Figure 2", ["1", "2"]),
    ("图3-2", ["3-2"]),
    ("见图2", ["2"]),
    ("如图 1 所示", ["1"]),
    ("图2、3和5", ["2", "3", "5"]),
    ("图2至4", ["2", "3", "4"]),
    ("图1A、B", ["1a", "1b"]),
    ("如图2，3例患者", ["2"]),
    ("No figures here, only 3 tables.", []),
    ("图像与地图", []),
]


@pytest.mark.parametrize(("text", "labels"), CITATIONS)
def test_find_citations(text: str, labels: list[str]) -> None:
    assert [c[0] for c in find_citations(text)] == labels


def test_citation_spans() -> None:
    text = "x Figs. 2 and 3; 见图4"
    cites = find_citations(text)
    assert [(lab, text[s:e]) for lab, s, e in cites] == [
        ("2", "Figs. 2"),
        ("3", "3"),
        ("4", "图4"),
    ]
    ranged = find_citations("Figures 2–4")
    assert {(s, e) for _, s, e in ranged} == {(0, 11)}


DOC = """# Chapter 3 Lumbar spine

The lumbar spine is shown in Figure 1; compare Fig. 2 later.

![Lumbar spine](img/fig1.png)
Figure 1. Sagittal T2 MRI of the lumbar spine.

In this patient the disc bulge (Figure 1) compresses the thecal sac.

![](img/fig2.png "axial")

**Fig. 2:** Axial CT at L4-5, see also Figure 1.

![](img/decor.png)

A closing paragraph that cites nothing but Figure 5.

Figure 5. A caption whose image was lost.
"""


def test_markdown_document() -> None:
    res = match_markdown(DOC)
    first, second, third = res.figures
    assert first.label == "1"
    assert first.image == "img/fig1.png"
    assert first.alt == "Lumbar spine"
    assert first.caption == "Figure 1. Sagittal T2 MRI of the lumbar spine."
    assert first.context == (
        "The lumbar spine is shown in Figure 1; compare Fig. 2 later.",
        "In this patient the disc bulge (Figure 1) compresses the thecal sac.",
    )
    assert DOC[first.start : first.end] == (
        "![Lumbar spine](img/fig1.png)\nFigure 1. Sagittal T2 MRI of the lumbar spine."
    )
    # the caption of figure 2 cites figure 1, but a caption is not context
    assert second.label == "2"
    assert second.caption == "**Fig. 2:** Axial CT at L4-5, see also Figure 1."
    assert second.context == ("The lumbar spine is shown in Figure 1; compare Fig. 2 later.",)
    assert third == FigureRef(None, "img/decor.png", "", "", (), third.start, third.end)
    assert DOC[third.start : third.end] == "![](img/decor.png)"
    assert not third.matched and first.matched and second.matched
    assert res.unmatched == (third,)
    assert res.orphan_captions == ("5",)


def test_caption_only_figure_is_matched() -> None:
    res = match_markdown("Intro.\n\n![x](a.png)\n\nFigure 7 Coronal STIR image.\n\nThe end.")
    (fig,) = res.figures
    assert (fig.label, fig.caption, fig.context, fig.matched) == (
        "7",
        "Figure 7 Coronal STIR image.",
        (),
        True,
    )
    assert res.unmatched == () and res.orphan_captions == ()


def test_chinese_document() -> None:
    text = "![](figures/x.png)\n\n图1. 颈椎侧位片。\n\n见图1，颈椎生理曲度变直。\n\n图2显示腰椎。"
    res = match_markdown(text)
    (fig,) = res.figures
    assert fig.label == "1"
    assert fig.image == "figures/x.png"
    assert fig.caption == "图1. 颈椎侧位片。"
    assert fig.context == ("见图1，颈椎生理曲度变直。",)
    assert res.orphan_captions == ()  # "图2显示…" cites figure 2, it is no caption


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Figure 2. Text", "2"),
        ("Fig. 2: text", "2"),
        ("FIG. 2 Sagittal view", "2"),
        ("**Figure 2.** Text", "2"),
        ("*Figure 2* Text", "2"),
        ("Figure 2", "2"),
        ("Figure 3-2 — Axial", "3-2"),
        ("图2. 颈椎", "2"),
        ("图 2 颈椎", "2"),
        ("图2：颈椎", "2"),
        ("Figure 2 shows the canal.", None),
        ("图2显示椎管。", None),
        ("Figures 2 and 3. Both", None),
    ],
)
def test_caption_forms(line: str, label: str | None) -> None:
    (fig,) = match_markdown(f"![](a.png)\n{line}\n").figures
    assert fig.label == label
    assert fig.caption == (line if label else "")


def test_alt_text_caption_and_alt_label() -> None:
    text = (
        "![Figure 3: MRI](a.png)\n\n"
        "![MRI, see Figure 4](b.png)\n\n"
        "![MRI, see Figure 9](c.png)\n\n"
        "Body text on Figure 3 and Figure 4."
    )
    a, b, c = match_markdown(text).figures
    assert (a.label, a.caption) == ("3", "Figure 3: MRI")
    assert a.context == ("Body text on Figure 3 and Figure 4.",)
    assert (b.label, b.caption, b.matched) == ("4", "", True)
    assert (c.label, c.caption, c.matched) == ("9", "", False)


def test_caption_on_the_image_line_and_side_by_side_images() -> None:
    text = "![](a.png) Figure 1. Left.\n\n![](b.png) ![](c.png)\nFigure 2. Right.\n"
    a, b, c = match_markdown(text).figures
    assert (a.label, a.caption) == ("1", "Figure 1. Left.")
    assert (b.label, c.label, c.caption) == (None, "2", "Figure 2. Right.")


def test_caption_line_inside_a_body_paragraph_is_not_context() -> None:
    text = (
        "Body mentions Figure 2.\n![](a.png)\nFigure 1. Cap citing Figure 2.\n\n"
        "![](b.png)\nFigure 2. B."
    )
    a, b = match_markdown(text).figures
    assert a.context == ()
    assert b.context == ("Body mentions Figure 2.\n![](a.png)\nFigure 1. Cap citing Figure 2.",)


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("docs/book", "figures/x.png", "docs/book/figures/x.png"),
        ("docs/book/", "figures/x.png", "docs/book/figures/x.png"),
        ("docs", "./x.png", "docs/x.png"),
        ("docs", "/abs/x.png", "/abs/x.png"),
        ("docs", "https://example.org/x.png", "https://example.org/x.png"),
        ("docs", "data:image/png;base64,AAAA", "data:image/png;base64,AAAA"),
        ("", "figures/x.png", "figures/x.png"),
    ],
)
def test_base_prefix(base: str, path: str, expected: str) -> None:
    (fig,) = match_markdown(f"![]({path})\n", base=base).figures
    assert fig.image == expected


def test_reference_html_and_angle_bracket_images() -> None:
    text = (
        "![Figure 1 spine][spine]\n\n"
        '<img src="b.png" alt="Figure 2. Axial">\n\n'
        "![](<c d.png>)\n\n"
        "![unresolved][nowhere]\n\n"
        "[spine]: img/spine.png\n"
    )
    a, b, c = match_markdown(text, base="root").figures
    assert (a.image, a.label) == ("root/img/spine.png", "1")
    assert (b.image, b.alt, b.label) == ("root/b.png", "Figure 2. Axial", "2")
    assert b.caption == "Figure 2. Axial"
    assert c.image == "root/c d.png"


def test_crlf_document() -> None:
    text = "![](a.png)\r\nFigure 1. Cap.\r\n\r\nSee Figure 1.\r\n"
    (fig,) = match_markdown(text).figures
    assert (fig.label, fig.caption, fig.context) == ("1", "Figure 1. Cap.", ("See Figure 1.",))


def test_to_json_round_trips() -> None:
    res = match_markdown(DOC)
    data: dict[str, Any] = json.loads(json.dumps(res.to_json()))
    assert [f["label"] for f in data["figures"]] == ["1", "2", None]
    assert data["figures"][0]["matched"] is True
    assert [f["image"] for f in data["unmatched"]] == ["img/decor.png"]
    assert data["orphan_captions"] == ["5"]


PAGES = [
    "Results\nAs shown in\nFigure 9. is no caption here.\n"
    "Figure 1. Sagittal MRI.\nFigure 2. Axial CT.\nBody cites Figure 2 here.",
    "Discussion\n\nWe compare Fig. 1 with Figure 3 and Figure 2.\n\n"
    "Figure 3 Coronal view\ncontinued over two lines.\n\nFigure 4. Its image is missing.",
]


def test_match_pages() -> None:
    res = match_pages(PAGES, [(0, "p0-a"), (0, "p0-b"), (1, "p1"), (0, "p0-extra")])
    a, b, c, d = res.figures
    cited = "We compare Fig. 1 with Figure 3 and Figure 2."
    assert (a.label, a.caption, a.context) == ("1", "Figure 1. Sagittal MRI.", (cited,))
    assert (b.label, b.caption) == ("2", "Figure 2. Axial CT.")
    assert b.context == ("Body cites Figure 2 here.", cited)
    assert (c.label, c.caption) == ("3", "Figure 3 Coronal view continued over two lines.")
    assert c.context == (cited,)
    assert (d.label, d.caption, d.matched) == (None, "", False)
    joined = "\f".join(PAGES)
    assert joined[a.start : a.end] == "Figure 1. Sagittal MRI."
    assert joined[c.start : c.end] == "Figure 3 Coronal view\ncontinued over two lines."
    assert res.unmatched == (d,)
    assert res.orphan_captions == ("4",)


def test_match_pages_odd_images() -> None:
    res = match_pages(["Figure 1. A."], [(3, "far"), (-1, "neg"), (0, "ok")])
    far, neg, ok = res.figures
    assert far.label is None and neg.label is None and ok.label == "1"
    assert match_pages("Figure 1. One page as a string.", [(0, "a")]).figures[0].label == "1"
    assert match_pages(["Figure 1. A.", "Figure 2. B."], []).orphan_captions == ("1", "2")


EMPTY = PcmResult((), (), ())


@pytest.mark.parametrize(
    "text",
    ["", " \n\n ", "![", "![](", "![alt](no-close", "]]][[[(((", "![]()", "[x]: y", "!" * 5000],
)
def test_garbage_markdown(text: str) -> None:
    assert match_markdown(text) == EMPTY


@pytest.mark.parametrize("bad", [None, 5, b"Figure 1", ["Figure 1"]])
def test_wrong_types_never_raise(bad: Any) -> None:
    assert match_markdown(bad) == EMPTY
    assert find_citations(bad) == []
    assert normalise_label(bad) is None
    assert match_pages(bad, [(0, "x")]).orphan_captions == ()
    assert match_pages([], bad) == EMPTY


def test_pathological_markup_stays_fast() -> None:
    for text in ["![" * 200_000, "![a](" * 100_000, "图" * 300_000, "Fig. " * 100_000]:
        assert match_markdown(text).figures == ()


def test_large_document() -> None:
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 70
    parts = []
    for i in range(1, 501):
        caption = f"Figure {i}. Caption {i}." if i % 5 else ""
        parts.append(f"![](f/{i}.png)\n{caption}\n\n{filler}See Figure {i}.\n\n")
    text = "".join(parts)
    assert len(text) > 2_000_000
    res = match_markdown(text)
    assert len(res.figures) == 500
    assert [f.label for f in res.figures[:5]] == ["1", "2", "3", "4", None]
    assert len(res.unmatched) == 100
    assert all(f.context[0].endswith(f"See Figure {f.label}.") for f in res.figures if f.label)
    assert len(find_citations(text)) == 900
