"""The drawing parameters of every image and the questions that follow from them.

Each figure is one parameter set: the same values draw the image and write its questions
(level, root, grade, zone, apex), so an answer is always what is drawn. Options are shown in
their anatomical or ascending order, so no key stands out of order; where they are a window of a
longer ordered pool (neighbouring levels or roots), a seeded rule slides the window so that the
answer letters stay balanced within each language.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from . import axial, coronal, sagittal
from .common import MR_T2, PAPER, ROOT, Scene, caption, dicom_png, mr_look, png_bytes

SEED = 2026
LETTERS = "ABCDE"
LUMBAR_DISCS = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
CERVICAL_DISCS = ("C2-C3", "C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1")
CERVICAL_ROOTS = ("C3", "C4", "C5", "C6", "C7", "C8")
LUMBAR_ROOTS = ("L1", "L2", "L3", "L4", "L5", "S1")
TL_BODIES = sagittal.THORACOLUMBAR
ROMAN = ("I", "II", "III", "IV", "V")
MM = 1.25  # px per mm on the measured (Genant) images

# corpus documents
ROOTS_EN, ROOTS_ZH = "lumbar-disc-herniation-root-by-level", "zh-lumbar-disc-herniation"
DEGEN, ISTHMIC = (
    "degenerative-spondylolisthesis-nass-guideline",
    "isthmic-spondylolisthesis-spondylolysis",
)
GENANT_EN, GENANT_ZH = (
    "osteoporotic-vertebral-fracture-genant-grading",
    "zh-osteoporotic-vertebral-compression-fracture",
)
PFIRRMANN, ZONES = "pfirrmann-disc-degeneration-grading", "lumbar-disc-nomenclature-v2"
CR_EN, CR_ZH = "cervical-radiculopathy-nass-guideline", "zh-cervical-radiculopathy"
DCM, DCM_SURGERY = "dcm-aospine-guideline", "dcm-surgical-approach-anterior-posterior"
DCM_ZH = "zh-degenerative-cervical-myelopathy"
LENKE, SOSORT, AIS_ZH = (
    "adolescent-idiopathic-scoliosis-lenke-classification",
    "adolescent-idiopathic-scoliosis-sosort-guideline",
    "zh-adolescent-idiopathic-scoliosis",
)


@dataclass(frozen=True)
class Question:
    lang: str
    text: str
    correct: str
    #: every option in the order it is shown (anatomical or ascending order where there is one)
    options: tuple[str, ...]
    levels: tuple[str, ...]
    doc: str
    #: a longer ordered pool the options are a window of; the window may slide so that the key
    #: lands on a balanced letter (None: the options are shown as they are)
    pool: tuple[str, ...] | None = None

    def windows(self) -> dict[int, tuple[str, ...]]:
        """Key position -> the options shown with the key there."""
        if self.pool is None:
            return {self.options.index(self.correct): self.options}
        k, i = len(self.options), self.pool.index(self.correct)
        return {
            i - start: self.pool[start : start + k]
            for start in range(max(0, i - k + 1), min(i, len(self.pool) - k) + 1)
        }


@dataclass
class Figure:
    name: str
    draw: Callable[[], bytes]
    questions: list[Question] = field(default_factory=list)


class Window(tuple[str, ...]):
    """``k`` consecutive entries of an ordered pool around an answer; remembers the pool."""

    pool: tuple[str, ...]


def near(answer: str, pool: tuple[str, ...], k: int = 4) -> Window:
    """``k`` consecutive entries of ``pool`` around ``answer``, anatomical order kept."""
    i = pool.index(answer)
    start = min(max(0, i - k // 2), len(pool) - k)
    window = Window(pool[start : start + k])
    window.pool = pool
    return window


def ask(
    lang: str,
    text: str,
    answer: str,
    pool: tuple[str, ...],
    levels: tuple[str, ...],
    doc: str,
    fmt: Callable[[str], str] = str,
) -> Question:
    """A question whose options are ``fmt`` of each pool entry, in pool order."""
    full = tuple(fmt(p) for p in pool.pool) if isinstance(pool, Window) else None
    options = tuple(fmt(p) for p in pool)
    return Question(lang, text, fmt(answer), options, levels, doc, full)


def seg_zh(level: str) -> str:
    return f"{level} 节段"


def root_en(root: str) -> str:
    return f"{root} root"


def root_zh(root: str) -> str:
    return f"{root} 神经根"


# ---------------------------------------------------------------- sagittal lumbar / cervical
def _sagittal_png(spec: sagittal.Spec, mr: bool, number: int, lines: list[str]) -> bytes:
    pal = MR_T2 if mr else PAPER
    anatomy, marks = sagittal.draw(spec, pal, mr)
    img, offset = anatomy.fitted((384, 512), pal.background, 32, 12 + 18 * len(lines))
    if mr:
        img = mr_look(img)
    marks.paint(img, offset)
    head = Scene()
    title = "Sagittal T2 MR (schematic)" if mr else "Lateral view (schematic)"
    head.text(complex(192, 16), title, pal.ink, 16)
    head.text(complex(14, 256), "P", pal.ink, 18)
    head.text(complex(370, 256), "A", pal.ink, 18)
    head.paint(img)
    caption(img, lines, pal.ink)
    if mr:
        return dicom_png(img, number, "T2 SAG schematic", "sagittal")
    return png_bytes(img)


def slip(name: str, upper: str, fraction: float, asks: list[tuple[str, str]]) -> Figure:
    """Anterolisthesis of ``upper`` on the vertebra below by ``fraction`` of its endplate."""
    spec = sagittal.Spec(slips={upper: fraction}, mark=f"disc:{upper}")
    disc = next(d for d in LUMBAR_DISCS if d.startswith(upper + "-"))
    grade = ROMAN[min(int(fraction * 4), 4)]
    doc = ISTHMIC if disc == "L5-S1" else DEGEN
    fig = Figure(name, lambda: _sagittal_png(spec, False, 0, []))
    for lang, what in asks:
        if what == "level" and lang == "en":
            q = ask(
                "en",
                "Lateral schematic of the lumbar spine; only S1 is labelled. At which "
                "level is the anterolisthesis (arrow)?",
                disc,
                near(disc, LUMBAR_DISCS),
                (disc,),
                doc,
            )
        elif what == "level":
            q = ask(
                "zh",
                "腰椎侧位示意图，仅标注了 S1。箭头所示的椎体前滑脱位于哪个节段？",
                disc,
                near(disc, LUMBAR_DISCS),
                (disc,),
                doc,
                seg_zh,
            )
        elif lang == "en":
            q = ask(
                "en",
                "Lateral schematic of the lumbar spine. What is the Meyerding grade "
                "of the slip at the arrow?",
                grade,
                ROMAN,
                (disc,),
                doc,
                lambda g: f"Grade {g}",
            )
        else:
            q = ask(
                "zh",
                "腰椎侧位示意图。箭头所示滑脱的 Meyerding 分级是？",
                grade,
                ROMAN,
                (disc,),
                doc,
                lambda g: f"{g} 度",
            )
        fig.questions.append(q)
    return fig


GENANT_EN_OPTS = ("Grade 0 (normal)", "Grade 1 (mild)", "Grade 2 (moderate)", "Grade 3 (severe)")
GENANT_ZH_OPTS = ("0 级（正常）", "1 级（轻度）", "2 级（中度）", "3 级（重度）")
TYPES_EN = ("Wedge", "Biconcave", "Crush", "No deformity")
TYPES_ZH = ("楔形", "双凹形", "压缩（挤压）形", "无畸形")


def fracture(name: str, level: str, kind: str, mm: float, asks: list[tuple[str, str]]) -> Figure:
    """A fractured body whose anterior (wedge), middle (biconcave) or whole (crush) height is
    ``mm`` against a normal 28 mm; the caption gives the measured heights."""
    normal = 28.0
    ha, hm, hp = {
        "wedge": (mm, None, normal),
        "biconcave": (normal, mm, normal),
        "crush": (mm, None, mm),
    }[kind]
    spec = sagittal.Spec(
        region="thoracolumbar",
        height=normal * MM,
        mark=level,
        fracture=(level, ha * MM, None if hm is None else hm * MM, hp * MM),
    )
    loss = (normal - mm) / normal
    grade = 0 if loss < 0.2 else 1 if loss <= 0.25 else 2 if loss <= 0.4 else 3
    lines = {
        "wedge": [
            f"Marked vertebra: anterior height {mm:g} mm,",
            f"posterior height {normal:g} mm",
        ],
        "biconcave": [
            f"Marked vertebra: middle height {mm:g} mm,",
            f"anterior and posterior heights {normal:g} mm",
        ],
        "crush": [f"Marked vertebra: all heights {mm:g} mm;", f"vertebra above: {normal:g} mm"],
    }[kind]
    fig = Figure(name, lambda: _sagittal_png(spec, False, 0, lines))
    t = ("wedge", "biconcave", "crush", "none").index(kind)
    for lang, what in asks:
        en = lang == "en"
        doc = GENANT_EN if en else GENANT_ZH
        if what == "level":
            text = (
                "Lateral schematic of the thoracolumbar spine; only S1 is labelled. Which "
                "vertebra is fractured (arrow)?"
                if en
                else "胸腰椎侧位示意图，仅标注了 S1。箭头所示的骨折椎体是哪一个？"
            )
            fmt = str if en else (lambda v: f"{v} 椎体")
            q = ask(lang, text, level, near(level, TL_BODIES), (level,), doc, fmt)
        elif what == "grade":
            text = (
                "Using the heights given for the marked vertebra, what is its Genant "
                "semiquantitative grade?"
                if en
                else "根据图中给出的标记椎体高度，其 Genant 半定量分级是？"
            )
            opts = GENANT_EN_OPTS if en else GENANT_ZH_OPTS
            q = ask(lang, text, opts[grade], opts, (level,), doc)
        else:
            text = (
                "What type of deformity does the marked vertebra show?"
                if en
                else "标记椎体属于哪种畸形类型？"
            )
            opts = TYPES_EN if en else TYPES_ZH
            q = ask(lang, text, opts[t], opts, (level,), doc)
        fig.questions.append(q)
    return fig


def herniation(name: str, disc: str, asks: list[tuple[str, str]]) -> Figure:
    """A posterior disc herniation on the lumbar column, arrow at the disc."""
    upper, lower = disc.split("-")
    spec = sagittal.Spec(hernia=upper, mark=f"disc:{upper}")
    fig = Figure(name, lambda: _sagittal_png(spec, False, 0, []))
    for lang, what in asks:
        en = lang == "en"
        doc = ROOTS_EN if en else ROOTS_ZH
        if what == "level":
            text = (
                "Lateral schematic of the lumbar spine; only S1 is labelled. At which level "
                "is the disc herniation (arrow)?"
                if en
                else "腰椎侧位示意图，仅标注了 S1。箭头所示的椎间盘突出位于哪个节段？"
            )
            q = ask(lang, text, disc, near(disc, LUMBAR_DISCS), (disc,), doc, str if en else seg_zh)
        else:
            text = (
                "The herniation at the arrow is posterolateral (paracentral). Counting from "
                "S1, which nerve root does it most likely compress?"
                if en
                else "箭头所示为后外侧（旁中央）型椎间盘突出。"
                "从 S1 向上计数，最可能受压的是哪条神经根？"
            )
            q = ask(
                lang,
                text,
                lower,
                near(lower, LUMBAR_ROOTS),
                (disc,),
                doc,
                root_en if en else root_zh,
            )
        fig.questions.append(q)
    return fig


def pfirrmann(
    name: str, number: int, collapsed: str, grey: str, asks: list[tuple[str, str]]
) -> Figure:
    """MR-like sagittal column (DICOM) with one collapsed black disc and one grey disc."""
    spec = sagittal.Spec(collapsed=collapsed.split("-")[0], grey=grey.split("-")[0])
    fig = Figure(name, lambda: _sagittal_png(spec, True, number, []))
    for lang, what in asks:
        if what == "level" and lang == "en":
            q = ask(
                "en",
                "Sagittal T2-weighted MR schematic of the lumbar spine; only S1 is "
                "labelled. At which level is the disc space collapsed with a black disc?",
                collapsed,
                LUMBAR_DISCS,
                (collapsed,),
                PFIRRMANN,
            )
        elif what == "level":
            q = ask(
                "zh",
                "腰椎矢状位 T2 加权 MR 示意图，仅标注了 S1。椎间隙塌陷、椎间盘呈黑色的是哪个节段？",
                collapsed,
                LUMBAR_DISCS,
                (collapsed,),
                PFIRRMANN,
                seg_zh,
            )
        elif what == "grey":
            q = ask(
                "en",
                "Sagittal T2-weighted MR schematic; only S1 is labelled. Which disc has "
                "lost its bright nucleus (grey signal) but keeps a normal height?",
                grey,
                LUMBAR_DISCS,
                (grey,),
                PFIRRMANN,
            )
        else:
            q = ask(
                "en",
                "Sagittal T2-weighted MR schematic. What is the Pfirrmann grade of the "
                "collapsed black disc?",
                "V",
                ROMAN,
                (collapsed,),
                PFIRRMANN,
                lambda g: f"Grade {g}",
            )
        fig.questions.append(q)
    return fig


# ---------------------------------------------------------------- axial lumbar
ZONE_EN = ("Central", "Subarticular (lateral recess)", "Foraminal", "Extraforaminal (far lateral)")
ZONE_ZH = ("中央区", "关节下区（侧隐窝）", "椎间孔区", "椎间孔外区（极外侧）")
ZONE_KEYS = ("central", "subarticular", "foraminal", "extraforaminal")


def _axial_png(zone: str, side: str, disc: str, number: int) -> bytes:
    mr = number > 0
    pal = MR_T2 if mr else PAPER
    img = axial.draw(zone, side, pal, mr).render((512, 400), pal.background)
    if mr:
        img = mr_look(img)
    marks = Scene()
    axial.labels(marks, disc, pal, side)
    marks.paint(img)
    return dicom_png(img, number, "T2 AX schematic", "axial") if mr else png_bytes(img)


def axial_figure(
    name: str, disc: str, zone: str, side: str, number: int, asks: list[tuple[str, str]]
) -> Figure:
    """An axial disc level with a herniation in ``zone`` on the patient's ``side``."""
    fig = Figure(name, lambda: _axial_png(zone, side, disc, number))
    upper, lower = disc.split("-")
    hit = lower if zone == "subarticular" else upper
    sides = ("right", "left")
    for lang, what in asks:
        en = lang == "en"
        where = f"Axial schematic at {disc} (patient's right on the image left)."
        where_zh = f"{disc} 椎间盘水平轴位示意图（图像左侧为患者右侧）。"
        if what == "zone":
            text = (
                f"{where} In which zone is the herniation?"
                if en
                else f"{where_zh}该椎间盘突出位于哪个区域？"
            )
            opts = ZONE_EN if en else ZONE_ZH
            q = ask(lang, text, opts[ZONE_KEYS.index(zone)], opts, (disc,), ZONES)
        elif zone == "central":
            q = ask(
                "en",
                f"{where} Which neural structures does this large herniation most likely compress?",
                "cauda",
                ("cauda", "right", "left", "upper"),
                (disc,),
                ROOTS_EN,
                lambda k: {
                    "cauda": "Several cauda equina roots of both sides in the thecal sac",
                    "right": f"Only the right exiting {upper} root",
                    "left": f"Only the left exiting {upper} root",
                    "upper": f"Only the {LUMBAR_ROOTS[LUMBAR_ROOTS.index(upper) - 1]} roots "
                    "in the foramina above",
                }[k],
            )
        else:
            pool = tuple(f"{s} {r}" for s in sides for r in (upper, lower))
            fmt = (
                (lambda k: f"{k.split()[0].capitalize()} {k.split()[1]} root")
                if en
                else (
                    lambda k: f"{'右' if k.startswith('right') else '左'}侧 {k.split()[1]} 神经根"
                )
            )
            text = (
                f"{where} Which nerve root does this herniation most likely compress?"
                if en
                else f"{where_zh}该椎间盘突出最可能压迫哪条神经根？"
            )
            q = ask(lang, text, f"{side} {hit}", pool, (disc,), ROOTS_EN if en else ROOTS_ZH, fmt)
        fig.questions.append(q)
    return fig


# ---------------------------------------------------------------- cervical
def cervical(
    name: str, disc: str, finding: str, number: int, asks: list[tuple[str, str]]
) -> Figure:
    """Cervical column C2-T1 with a herniation or an anterolisthesis at ``disc``."""
    upper = disc.split("-")[0]
    spec = sagittal.Spec(
        region="cervical",
        mark=f"disc:{upper}",
        hernia=upper if finding == "hernia" else None,
        slips={upper: 0.2} if finding == "slip" else {},
    )
    fig = Figure(name, lambda: _sagittal_png(spec, number > 0, number, []))
    root = f"C{int(upper[1]) + 1}"
    for lang, what in asks:
        en = lang == "en"
        head = (
            "Sagittal schematic of the cervical spine; only C2 is labelled."
            if en
            else "颈椎矢状位示意图，仅标注了 C2。"
        )
        if what == "root":
            text = (
                f"{head} A posterolateral disc herniation at the marked level compresses "
                "which nerve root?"
                if en
                else f"{head}箭头所示节段的后外侧型椎间盘突出最可能压迫哪条神经根？"
            )
            q = ask(
                lang,
                text,
                root,
                near(root, CERVICAL_ROOTS),
                (disc,),
                CR_EN if en else CR_ZH,
                root_en if en else root_zh,
            )
        elif finding == "slip":
            text = (
                f"{head} At which level is the anterolisthesis?"
                if en
                else f"{head}椎体前滑脱位于哪个节段？"
            )
            q = ask(
                lang,
                text,
                disc,
                near(disc, CERVICAL_DISCS),
                (disc,),
                DCM_SURGERY,
                str if en else seg_zh,
            )
        else:
            text = (
                f"{head} At which level does the disc herniation compress the spinal cord?"
                if en
                else f"{head}椎间盘突出压迫脊髓的节段是？"
            )
            q = ask(
                lang,
                text,
                disc,
                near(disc, CERVICAL_DISCS),
                (disc,),
                DCM if en else DCM_ZH,
                str if en else seg_zh,
            )
        fig.questions.append(q)
    return fig


# ---------------------------------------------------------------- coronal scoliosis
SOSORT_EN = ("Low (up to 20°)", "Moderate (21–35°)", "Severe (41–50°)", "Very severe (56° or more)")
SOSORT_ZH = ("轻度（≤20°）", "中度（21°–35°）", "重度（41°–50°）", "极重度（≥56°）")
REGIONS = ("Proximal thoracic", "Main thoracic", "Thoracolumbar", "Lumbar")


def _region(apex: str) -> str:
    i = coronal.LEVELS.index(apex)
    if i <= 4:
        return REGIONS[0] if i >= 2 else "-"
    return REGIONS[1] if i <= 10 else REGIONS[2] if i <= 12 else REGIONS[3]


def _coronal_png(curve: coronal.Curve) -> bytes:
    img, _ = coronal.draw(curve, PAPER).fitted((384, 512), PAPER.background, 34, 8)
    head = Scene()
    head.text(complex(192, 16), "Standing PA view (schematic)", PAPER.ink, 16)
    head.text(complex(16, 60), "R", PAPER.ink, 20)
    head.paint(img)
    return png_bytes(img)


def scoliosis(name: str, curve: coronal.Curve, asks: list[tuple[str, str]]) -> Figure:
    fig = Figure(name, lambda: _coronal_png(curve))
    c = curve.cobb
    band = 0 if c <= 20 else 1 if c <= 35 else 2 if 41 <= c <= 50 else 3 if c >= 56 else -1
    assert band >= 0, "Cobb angle between the listed SOSORT bands"
    head = "Standing PA schematic; only T1 is labelled (12 rib pairs)."
    head_zh = "站立位全脊柱正位示意图，仅标注了 T1（画有 12 对肋骨）。"
    apex = (curve.apex,)
    for lang, what in asks:
        en = lang == "en"
        if what == "apex":
            text = (
                f"{head} Which vertebra is the apex of the curve between the two drawn "
                "endplate lines?"
                if en
                else f"{head_zh}两条终板线之间这个侧凸的顶椎是哪一个椎体？"
            )
            q = ask(
                lang,
                text,
                curve.apex,
                near(curve.apex, coronal.LEVELS),
                apex,
                LENKE if en else AIS_ZH,
                str if en else (lambda v: f"{v} 椎体"),
            )
        elif what == "cobb":
            text = (
                "Estimate the Cobb angle between the two drawn endplate lines. Which SOSORT "
                "severity category fits?"
                if en
                else "估计图中两条终板线之间的 Cobb 角，按 SOSORT 分级属于哪一类？"
            )
            opts = SOSORT_EN if en else SOSORT_ZH
            q = ask(lang, text, opts[band], opts, apex, SOSORT if en else AIS_ZH)
        else:
            q = ask(
                "en",
                f"{head} By the apex levels used in the Lenke classification, which "
                "region is the curve between the drawn endplate lines in?",
                _region(curve.apex),
                REGIONS,
                apex,
                LENKE,
            )
        fig.questions.append(q)
    return fig


# ---------------------------------------------------------------- the catalogue
def figures() -> list[Figure]:
    e, z = "en", "zh"
    return [
        slip("sag-lumbar-01.png", "L4", 0.12, [(e, "level"), (e, "grade")]),
        slip("sag-lumbar-02.png", "L5", 0.38, [(e, "level"), (z, "grade")]),
        slip("sag-lumbar-03.png", "L3", 0.14, [(z, "level")]),
        slip("sag-lumbar-04.png", "L5", 0.62, [(e, "grade"), (z, "level")]),
        slip("sag-lumbar-05.png", "L5", 0.87, [(z, "grade")]),
        fracture("sag-thoracolumbar-01.png", "L1", "wedge", 19, [(e, "level"), (z, "grade")]),
        fracture(
            "sag-thoracolumbar-02.png",
            "T12",
            "wedge",
            14,
            [(e, "grade"), (e, "type"), (z, "level")],
        ),
        fracture("sag-thoracolumbar-03.png", "L2", "biconcave", 22, [(e, "grade"), (e, "type")]),
        fracture("sag-thoracolumbar-04.png", "L3", "crush", 15, [(e, "level"), (z, "type")]),
        fracture("sag-thoracolumbar-05.png", "L4", "biconcave", 18.5, [(z, "level")]),
        herniation("sag-lumbar-06.png", "L4-L5", [(e, "level"), (e, "root")]),
        herniation("sag-lumbar-07.png", "L5-S1", [(z, "level"), (z, "root")]),
        herniation("sag-lumbar-08.png", "L3-L4", [(e, "root"), (z, "level")]),
        herniation("sag-lumbar-09.png", "L2-L3", [(e, "level")]),
        pfirrmann("mr-sag-lumbar-01.png", 1, "L4-L5", "L2-L3", [(e, "level"), (e, "grade")]),
        pfirrmann("mr-sag-lumbar-02.png", 2, "L5-S1", "L3-L4", [(z, "level")]),
        pfirrmann("mr-sag-lumbar-03.png", 3, "L3-L4", "L5-S1", [(e, "grey")]),
        axial_figure(
            "axial-lumbar-01.png", "L4-L5", "subarticular", "right", 0, [(e, "root"), (e, "zone")]
        ),
        axial_figure(
            "axial-lumbar-02.png", "L4-L5", "foraminal", "left", 0, [(e, "root"), (z, "zone")]
        ),
        axial_figure("mr-axial-lumbar-01.png", "L5-S1", "subarticular", "left", 4, [(z, "root")]),
        axial_figure(
            "mr-axial-lumbar-02.png",
            "L3-L4",
            "extraforaminal",
            "right",
            5,
            [(e, "root"), (e, "zone")],
        ),
        axial_figure("mr-axial-lumbar-03.png", "L5-S1", "foraminal", "right", 6, [(z, "root")]),
        axial_figure(
            "axial-lumbar-03.png", "L4-L5", "central", "left", 0, [(e, "root"), (z, "zone")]
        ),
        axial_figure("axial-lumbar-04.png", "L4-L5", "extraforaminal", "left", 0, [(z, "root")]),
        cervical("sag-cervical-01.png", "C5-C6", "hernia", 0, [(e, "level"), (z, "root")]),
        cervical("sag-cervical-02.png", "C6-C7", "hernia", 0, [(e, "root"), (z, "level")]),
        cervical("mr-sag-cervical-01.png", "C4-C5", "hernia", 7, [(e, "level"), (e, "root")]),
        cervical("mr-sag-cervical-02.png", "C7-T1", "hernia", 8, [(e, "root")]),
        cervical("sag-cervical-03.png", "C3-C4", "slip", 0, [(e, "level")]),
        cervical("sag-cervical-04.png", "C4-C5", "slip", 0, [(z, "level")]),
        scoliosis(
            "coronal-01.png", coronal.Curve("T5", "T8", "T11", 28), [(e, "apex"), (z, "cobb")]
        ),
        scoliosis(
            "coronal-02.png", coronal.Curve("T5", "T9", "L1", 46), [(e, "cobb"), (e, "region")]
        ),
        scoliosis(
            "coronal-03.png",
            coronal.Curve("T9", "L1", "L4", 65),
            [(e, "region"), (z, "cobb"), (z, "apex")],
        ),
        scoliosis("coronal-04.png", coronal.Curve("T11", "L2", "L4", 16), [(e, "cobb")]),
        scoliosis(
            "coronal-05.png", coronal.Curve("T6", "T10", "L2", 70), [(e, "cobb"), (z, "apex")]
        ),
    ]


# ---------------------------------------------------------------- output
def citation(doc: str) -> str:
    """One line from the document's front matter: source, year. title. doi (or url)."""
    text = (ROOT / "knowledge" / "corpus" / f"{doc}.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---")[1])
    cite = meta["citation"]
    where = f"doi:{cite['doi']}" if cite.get("doi") else cite["url"]
    return f"{cite['source']}, {cite['year']}. {cite['title']}. {where}"


def subfield(doc: str) -> str:
    text = (ROOT / "knowledge" / "corpus" / f"{doc}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])["subfield"]


def build() -> tuple[dict[str, bytes], str]:
    """Every image (file name -> PNG bytes) and the JSONL text of the questions."""
    rng = random.Random(SEED)
    counts: dict[str, Counter[str]] = {"en": Counter(), "zh": Counter()}  # keys per language
    numbers: Counter[str] = Counter()
    items: dict[str, list[dict]] = {"en": [], "zh": []}
    images: dict[str, bytes] = {}
    for fig in figures():
        images[fig.name] = fig.draw()
        for q in fig.questions:
            windows = q.windows()  # options in order; the key's letter is its place
            used = counts[q.lang]
            low = min(used[LETTERS[j]] for j in windows)
            place = rng.choice([j for j in windows if used[LETTERS[j]] == low])
            answer = LETTERS[place]
            used[answer] += 1
            options = dict(zip(LETTERS, windows[place], strict=False))
            numbers[q.lang] += 1
            items[q.lang].append(
                {
                    "id": f"mini-img-{q.lang}-{numbers[q.lang]:03d}",
                    "type": "mcq",
                    "modality": "image",
                    "question": q.text,
                    "options": options,
                    "answer": answer,
                    "images": [f"images/{fig.name}"],
                    "subfield": subfield(q.doc),
                    "levels": list(q.levels),
                    "lang": q.lang,
                    "source": {"doc": q.doc, "citation": citation(q.doc)},
                }
            )
    lines = [json.dumps(i, ensure_ascii=False) for i in items["en"] + items["zh"]]
    return images, "\n".join(lines) + "\n"
