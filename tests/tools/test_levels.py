"""tools.levels: the written forms of the issue, spans, warnings, traps, the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.levels import (
    SEGMENTS,
    VERTEBRAE,
    find_levels,
    is_level,
    level_key,
    parse,
    segment,
    segments_between,
    sort_levels,
    vertebrae_of,
)

ROOT = Path(__file__).resolve().parents[2]

FORMS = [
    # one segment, every way it is written
    ("L4-5", ["L4-L5"]),
    ("L4/5", ["L4-L5"]),
    ("L4-L5", ["L4-L5"]),
    ("L4–L5", ["L4-L5"]),
    ("L4—L5", ["L4-L5"]),
    ("L 4-5", ["L4-L5"]),
    ("l4-5 disc", ["L4-L5"]),
    ("Ｌ４／５椎间盘", ["L4-L5"]),
    ("Ｃ５－６", ["C5-C6"]),
    ("L5S1椎间盘突出", ["L5-S1"]),
    ("C7/T1", ["C7-T1"]),
    ("T12-L1", ["T12-L1"]),
    ("腰4/5", ["L4-L5"]),
    ("颈5/6", ["C5-C6"]),
    ("胸12", ["T12"]),
    ("腰5骶1", ["L5-S1"]),
    ("腰5/骶1", ["L5-S1"]),
    ("胸12腰1", ["T12-L1"]),
    ("第4腰椎", ["L4"]),
    ("第十二胸椎", ["T12"]),
    ("第4、5腰椎间隙", ["L4-L5"]),
    ("腰4椎体", ["L4"]),
    # lists
    ("C5, 6 and 7", ["C5", "C6", "C7"]),
    ("L3-4 and 4-5", ["L3-L4", "L4-L5"]),
    ("C4/5, C5/6 and C6/7", ["C4-C5", "C5-C6", "C6-C7"]),
    ("L3/4、L4/5和L5/S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("颈4/5、5/6", ["C4-C5", "C5-C6"]),
    ("L2, L3 & L4 vertebrae", ["L2", "L3", "L4"]),
    # spans expand to their segments
    ("L3-S1 fusion", ["L3-L4", "L4-L5", "L5-S1"]),
    ("C5–C7", ["C5-C6", "C6-C7"]),
    ("C3-7 laminoplasty", ["C3-C4", "C4-C5", "C5-C6", "C6-C7"]),
    ("from C3-4 to C6-7", ["C3-C4", "C4-C5", "C5-C6", "C6-C7"]),
    ("L2-3 through L4-5", ["L2-L3", "L3-L4", "L4-L5"]),
    ("L2 to L4", ["L2-L3", "L3-L4"]),
    ("fused from T11 down to L2", ["T11-T12", "T12-L1", "L1-L2"]),
    ("the last lumbar disc", ["L5-S1"]),
    ("the last lumbar vertebra slipped", ["L5"]),
    ("Modic 1 (low T1, high T2 signal) at L4-5", ["L4-L5"]),
    ("sagittal T1 and T2, axial T2 from L3 to S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("T11-L2", ["T11-T12", "T12-L1", "L1-L2"]),
    ("腰3-骶1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("腰3至骶1", ["L3-L4", "L4-L5", "L5-S1"]),
    # chains written as one name each consecutive segment
    ("L4-L5-S1 fusion", ["L4-L5", "L5-S1"]),
    ("C5-6-7 ACDF", ["C5-C6", "C6-C7"]),
    ("T11-12-L1", ["T11-T12", "T12-L1"]),
    ("腰4-5-骶1融合", ["L4-L5", "L5-S1"]),
    ("L4-5-10 mm", ["L4-L5"]),
    # a span to the sacrum named as a bone
    ("fusion from L4 to the sacrum", ["L4-L5", "L5-S1"]),
    ("L5-sacrum", ["L5-S1"]),
    ("腰4至骶骨融合", ["L4-L5", "L5-S1"]),
    # a span over vertebral bodies names vertebrae; over a fusion or discs, segments
    ("in the T6 through T8 vertebral bodies", ["T6", "T7", "T8"]),
    ("the vertebral bodies from L1 to L3", ["L1", "L2", "L3"]),
    ("腰2至腰4椎体", ["L2", "L3", "L4"]),
    ("腰2-4椎体成形术", ["L2", "L3", "L4"]),
    ("L4/5椎体间融合", ["L4-L5"]),
    ("fusion T6 through T8", ["T6-T7", "T7-T8"]),
    # a region word and numbers, and "between" two levels
    ("cervical 6-7 disc", ["C6-C7"]),
    ("lumbar 5-sacral 1", ["L5-S1"]),
    ("lumbar 2-3 times a week", []),
    ("between C4 and C5", ["C4-C5"]),
    ("between C4 and C6", ["C4-C5", "C5-C6"]),
    ("胸7椎体至胸9椎体后缘", ["T7", "T8", "T9"]),
    ("from the T7 vertebral body to T9", ["T7", "T8", "T9"]),
    ("第7至第9胸椎", ["T7", "T8", "T9"]),
    ("the seventh through ninth thoracic vertebrae", ["T7", "T8", "T9"]),
    # Chinese: listhesis of one vertebra on the next, the space between two, spoken numerals
    ("Ｌ４相对Ｌ５向前Ⅰ度滑脱", ["L4-L5"]),
    ("腰4相对于腰5滑脱", ["L4-L5"]),
    ("第5腰椎与第1骶椎之间椎间盘突出", ["L5-S1"]),
    ("颈4与颈5之间椎间隙变窄", ["C4-C5"]),
    ("腰四五和腰五骶一都有突出", ["L4-L5", "L5-S1"]),
    ("C 6神经根受压", ["C6"]),
    ("ASIA C 4 weeks after injury", []),
    # other fields spelled like levels: thyroid, complement, heart sounds, diabetes, staging
    ("free T4 1.2 ng/dL", []),
    ("TSH 2.1, T3 and T4 normal", []),
    ("甲功：游离T4 12 pmol/L", []),
    ("complement C3 and C4 low", []),
    ("补体C3、C4降低", []),
    ("S1 and S2 heard, no murmur", []),
    ("心尖部S3奔马律", []),
    ("心音S1、S2正常", []),
    ("T2DM on metformin", []),
    ("C1 esterase inhibitor deficiency", []),
    ("直肠癌T3期", []),
    ("Hashimoto thyroiditis; T4 compression fracture", ["T4"]),
    ("sensory level at T4", ["T4"]),
    ("S1 and S2 nerve roots", ["S1"]),
    # X on Y, ordinals, named places
    ("grade 1 anterolisthesis of L4 on L5", ["L4-L5"]),
    ("L5 on S1 spondylolisthesis", ["L5-S1"]),
    ("between the fourth and fifth lumbar vertebrae", ["L4-L5"]),
    ("between the fifth lumbar and first sacral vertebrae", ["L5-S1"]),
    ("the seventh cervical vertebra", ["C7"]),
    ("lumbosacral junction", ["L5-S1"]),
    ("thoracolumbar junction", ["T12-L1"]),
    ("cervicothoracic junction", ["C7-T1"]),
    ("atlantoaxial instability", ["C1-C2"]),
    ("fracture of the atlas", ["C1"]),
    ("Jefferson fracture", ["C1"]),
    ("hangman's fracture", ["C2"]),
    ("type II odontoid fracture", ["C2"]),
    ("寰枢椎脱位", ["C1-C2"]),
    ("齿状突骨折", ["C2"]),
    ("胸腰段骨折", ["T12-L1"]),
    # roots count as the label they name
    ("L5 radiculopathy", ["L5"]),
    ("左侧L5神经根受压", ["L5"]),
    # not levels
    ("T1-weighted and T2-weighted images", []),
    ("T2 hyperintensity", []),
    ("high signal on T2", []),
    ("sagittal T1 and T2 images", []),
    ("STIR bright", []),
    ("T2WI高信号，T1加权低信号", []),
    # Chinese MRI wording with words between the weighting and its signal
    ("T2 髓内高信号", []),
    ("脊髓 T2 淡高信号", []),
    ("T1 无低信号", []),
    ("T2 示脊髓高信号", []),
    ("T1 稍低信号，T2 稍高信号", []),
    ("C5-6 水平脊髓 T2 髓内高信号", ["C5-C6"]),
    ("T2 椎体信号异常", ["T2"]),
    ("T2 水平脊髓受压", ["T2"]),
    ("行腰椎MRI（矢状位T1/T2及轴位T2）", []),
    ("终板旁骨髓水肿（T1低、STIR高）伴强化", []),
    ("L3-L4椎间盘T2/STIR液样高信号", ["L3-L4"]),
    ("T12低位", ["T12"]),
    ("sclerosis is dark on both T1 and T2", []),
    ("STIR 序列是亮的、T1 是暗的", []),
    ("但 T1、T2 矢状位上棘上韧带的低信号带连续", []),
    ("行腰椎 MRI（矢状位 T1、T2 及轴位 T2）", []),
    ("转移到了您胸椎第8节", ["T8"]),
    ("腰椎第4个椎体", ["L4"]),
    ("T1/T2 disc bulge", ["T1-T2"]),
    ("pT2N0M0 tumour", []),
    ("a 45-year-old, BMI 31, grade 2, Pfirrmann IV, Modic type 1, mJOA 12, ASIA C", []),
    ("VAS 7/10, 5/5 power, Lenke 1A, ODI 40%, SF-36, EQ-5D, HbA1c, vitamin D3", []),
    ("C-spine and L-spine, T-score -2.8, SI joint", []),
    ("lumbar spine, 腰骶部疼痛, 颈椎病", []),
    ("T2 hyperintense signal in the T12 vertebral body", ["T12"]),
    ("L4 on sagittal T2", ["L4"]),
    ("L4-5 and 2 weeks later", ["L4-L5"]),
    # DICOM series descriptions
    ("AX T2 L4-5", ["L4-L5"]),
    ("SAG_T1_TSE", []),
    ("T2_FSE_SAG L-SPINE", []),
    ("COR STIR T2", []),
    ("SAG T2 SPACE C-spine C5/6", ["C5-C6"]),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_written_forms(text: str, expected: list[str]) -> None:
    result = parse(text)
    assert list(result.levels) == expected
    assert not result.warnings


@pytest.mark.parametrize(
    ("text", "levels", "flagged"),
    [
        ("transitional L6 vertebra", [], "L6"),
        ("T13 rib", [], "T13"),
        ("L7", [], "L7"),
        ("C0-C1", [], "C0"),
        ("C8 vertebral body", [], "C8"),
        ("S2 fracture", [], "S2"),
        ("L5-L6 disc and L4-5 stenosis", ["L4-L5"], "L6"),
    ],
)
def test_non_canonical_vertebrae_warn(text: str, levels: list[str], flagged: str) -> None:
    result = parse(text)
    assert list(result.levels) == levels
    assert result.warnings and result.warnings[0].message.startswith(flagged)


@pytest.mark.parametrize(
    "text", ["C8 radiculopathy", "S2-S4 dermatomes", "saddle (S3-S5) numbness"]
)
def test_real_roots_without_vertebra_are_silent(text: str) -> None:
    result = parse(text)
    assert not result.levels and not result.warnings


def test_mentions_keep_spans_and_surface_in_the_original_text() -> None:
    text = "MRI: Ｌ４／５ protrusion; L3-S1 fusion; C5, 6 and 7"
    result = parse(text)
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.surface
    surfaces = [(m.level, m.surface, m.kind) for m in result.mentions]
    assert ("L4-L5", "Ｌ４／５", "segment") in surfaces
    assert [s for s in surfaces if s[1] == "L3-S1"] == [
        ("L3-L4", "L3-S1", "segment"),
        ("L4-L5", "L3-S1", "segment"),
        ("L5-S1", "L3-S1", "segment"),
    ]
    assert ("C6", "6", "vertebra") in surfaces and ("C7", "7", "vertebra") in surfaces


def test_levels_are_unique_and_anatomically_ordered() -> None:
    assert find_levels("S1, L5-S1, L5, C2 and C7-T1 and L5") == ["C2", "C7-T1", "L5", "L5-S1", "S1"]


def test_canonical_helpers() -> None:
    assert len(VERTEBRAE) == 25 and len(SEGMENTS) == 24
    assert all(is_level(v) for v in VERTEBRAE + SEGMENTS)
    assert not any(is_level(x) for x in ("L6", "T13", "L4-L6", "L4/5", "C8"))
    assert sort_levels(["S1", "L5-S1", "L5", "C1"]) == ["C1", "L5", "L5-S1", "S1"]
    assert level_key("C4") < level_key("C4-C5") < level_key("C5")
    assert segment("C7", "T1") == "C7-T1"
    with pytest.raises(ValueError):
        segment("L4", "S1")
    with pytest.raises(ValueError):
        level_key("L6")
    assert segments_between("S1", "L3") == ["L3-L4", "L4-L5", "L5-S1"]
    assert vertebrae_of("T12-L1") == ("T12", "L1") and vertebrae_of("C2") == ("C2",)


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.levels", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )


def test_cli_one_object_per_stdin_line() -> None:
    lines = ["L4-5 and L5/S1", "", "腰5骶1", "transitional L6", "no level here"]
    done = _cli(stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(objects) == len(lines)
    assert [o["levels"] for o in objects] == [["L4-L5", "L5-S1"], [], ["L5-S1"], [], []]
    assert objects[3]["warnings"] and not objects[0]["warnings"]
    assert objects[2]["mentions"][0]["surface"] == "腰5骶1"


def test_cli_argument_and_bad_bytes() -> None:
    done = _cli("C5-7")
    assert done.returncode == 0
    assert json.loads(done.stdout)["levels"] == ["C5-C6", "C6-C7"]
    raw = subprocess.run(
        [sys.executable, "-m", "tools.levels"],
        input=b"L4-5 \xff\xfe junk\n",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert raw.returncode == 0 and b"Traceback" not in raw.stderr
    assert json.loads(raw.stdout)["levels"] == ["L4-L5"]


LABELLED = sorted((Path(__file__).parent / "data").glob("levels_*.jsonl"))


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.stem)
def test_labelled_set_accuracy(path: Path) -> None:
    """Exact levels and the presence of warnings, on sets written apart from the parser."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert len({c["id"] for c in cases}) == len(cases)
    misses = []
    for case in cases:
        result = parse(case["text"])
        if list(result.levels) != case["levels"] or bool(result.warnings) != case["warn"]:
            misses.append(f"{case['id']}: want {case['levels']} got {list(result.levels)}")
    accuracy = 1 - len(misses) / len(cases)
    print(f"{path.name}: {len(cases)} cases, accuracy {accuracy:.4f}")
    # every bundled set has been measured once unseen and then developed on: keep it whole
    assert not misses, "\n".join(misses)


def test_labelled_sets_cover_both_languages() -> None:
    cases = [
        json.loads(line)
        for path in LABELLED
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    langs = [c["lang"] for c in cases]
    assert len(cases) >= 150 and langs.count("zh") >= 60 and langs.count("en") >= 60
