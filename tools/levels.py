"""Free text (English and Chinese) to canonical vertebral levels.

Canonical strings (DESIGN.md): a vertebra ``C1``…``C7``, ``T1``…``T12``, ``L1``…``L5``, ``S1``;
a motion segment between adjacent vertebrae ``C5-C6``, ``C7-T1``, ``T12-L1``, ``L5-S1``.
Every agent, record and metric uses these strings, and this module is the only place that turns
prose into them.

The parser is a single left-to-right scan of one compiled pattern: the written forms (segment
spans, pairs, ``X on Y``, spans to the sacrum, Chinese forms, ordinals, region words with numbers,
named places) in three families by their first character, plus bare-number continuations
(``C5, 6 and 7``; ``L3-4 and 4-5``; ``颈4/5、5/6``) and chains written as one (``L4-L5-S1``).
Spans between non-adjacent vertebrae expand to every segment they cover, unless the words beside
them say they are vertebral bodies (``T6 through T8 vertebral bodies``: each vertebra).
Transitional or impossible vertebrae (``L6``, ``T13``, ``C0``) give warnings, never levels; MRI
weightings, tumour stages, thyroid hormones, complement, heart sounds and the like are not levels.

CLI contract (other tools depend on it): ``python -m tools.levels`` reads UTF-8 lines on stdin and
writes one JSON object per input line; ``python -m tools.levels "text"`` does the same for one
argument. Each object has ``levels``, ``warnings`` and ``mentions`` (level, start, end, surface,
kind).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "VERTEBRAE",
    "SEGMENTS",
    "LevelMention",
    "LevelWarning",
    "ParseResult",
    "parse",
    "find_levels",
    "is_level",
    "grounded",
    "level_key",
    "sort_levels",
    "segment",
    "segments_between",
    "vertebrae_of",
]

_MAX = {"C": 7, "T": 12, "L": 5, "S": 1}
VERTEBRAE: tuple[str, ...] = tuple(
    f"{region}{n}" for region in "CTLS" for n in range(1, _MAX[region] + 1)
)
_INDEX = {name: i for i, name in enumerate(VERTEBRAE)}
SEGMENTS: tuple[str, ...] = tuple(
    f"{a}-{b}" for a, b in zip(VERTEBRAE, VERTEBRAE[1:], strict=False)
)
_SEGMENT_SET = frozenset(SEGMENTS)

Kind = Literal["vertebra", "segment"]


@dataclass(frozen=True, slots=True)
class LevelMention:
    """One canonical level found in the text, with where and how it was written."""

    level: str
    start: int
    end: int
    surface: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class LevelWarning:
    """A level-like mention that is not a canonical level (``L6``, ``T13``, ``C0``…)."""

    message: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Levels in anatomical order (unique), every mention in text order, and warnings."""

    levels: tuple[str, ...]
    mentions: tuple[LevelMention, ...]
    warnings: tuple[LevelWarning, ...]

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON object."""
        return {
            "levels": list(self.levels),
            "warnings": [w.message for w in self.warnings],
            "mentions": [
                {
                    "level": m.level,
                    "start": m.start,
                    "end": m.end,
                    "surface": m.surface,
                    "kind": m.kind,
                }
                for m in self.mentions
            ],
        }


# ---------------------------------------------------------------- canonical helpers


def is_level(value: str) -> bool:
    """True for a canonical vertebra (``L4``) or segment (``L4-L5``)."""
    return value in _INDEX or value in _SEGMENT_SET


def level_key(value: str) -> tuple[int, int]:
    """Anatomical sort key: ``C4 < C4-C5 < C5 < … < L5 < L5-S1 < S1``.

    Raises:
        ValueError: ``value`` is not a canonical level.
    """
    if value in _INDEX:
        return (_INDEX[value], 0)
    if value in _SEGMENT_SET:
        return (_INDEX[value.split("-", 1)[0]], 1)
    raise ValueError(f"not a canonical level: {value!r}")


def sort_levels(levels: Iterable[str]) -> list[str]:
    """Unique canonical levels in anatomical order."""
    return sorted(set(levels), key=level_key)


def segment(upper: str, lower: str) -> str:
    """The segment between two adjacent vertebrae, e.g. ``segment("L5", "S1") == "L5-S1"``.

    Raises:
        ValueError: the vertebrae are not canonical or not adjacent.
    """
    name = f"{upper}-{lower}"
    if name not in _SEGMENT_SET:
        raise ValueError(f"{upper} and {lower} are not adjacent canonical vertebrae")
    return name


def segments_between(first: str, last: str) -> list[str]:
    """Every segment from vertebra ``first`` to vertebra ``last`` (either order)."""
    i, j = sorted((_INDEX[first], _INDEX[last]))
    return [f"{VERTEBRAE[k]}-{VERTEBRAE[k + 1]}" for k in range(i, j)]


def vertebrae_of(level: str) -> tuple[str, ...]:
    """The vertebrae a canonical level involves: one for a vertebra, two for a segment."""
    if level in _INDEX:
        return (level,)
    if level in _SEGMENT_SET:
        a, b = level.split("-", 1)
        return (a, b)
    raise ValueError(f"not a canonical level: {level!r}")


def grounded(named: str, levels: Iterable[str]) -> bool:
    """Whether a level named in generated text is one the source mentions.

    A vertebra counts as mentioned when it is one, or part of a mentioned segment (the L5 root
    of an L4-L5 disc); a segment only when it is one, or both its vertebrae are mentioned.
    """
    known = set(levels)
    if named in known:
        return True
    parts = vertebrae_of(named)
    if len(parts) == 2:
        return all(part in known for part in parts)
    return any(named in vertebrae_of(level) for level in known if level in _SEGMENT_SET)


# ---------------------------------------------------------------- normalisation

# One-to-one character map, so offsets in the normalised text are offsets in the original.
_FOLD: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({cp: "-" for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63)})
_FOLD.update({0x3000: " ", 0x301C: "~", 0x00A0: " "})


def _fold(text: str) -> str:
    return text if text.isascii() else text.translate(_FOLD)


# ---------------------------------------------------------------- grammar

_CN_REGION = {"颈": "C", "胸": "T", "腰": "L", "骶": "S"}
_CN_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
_EN_REGION = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}

_B = r"(?<![A-Za-z0-9])"  # a level letter starts a word (digits too: "3L4" is not a level)
_W = r"(?<![A-Za-z])"  # an English word starts (\b fails next to CJK, which is \w too)
_N = r"(\d{1,2})(?!\d)"
_SEP = r"\s{0,2}[-/~]\s{0,2}"
_ORD = (
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\d{1,2}(?:st|nd|rd|th))"
)
_DET = r"(?:the|my|his|her|their|your|its)"
_REG = r"(cervical|thoracic|dorsal|lumbar|sacral)"
_CNN = r"(\d{1,2}(?!\d)|十[一二]?|[一二三四五六七八九])"
# what follows a number that is a measure, a count or a time, not a level
_UNIT = (
    r"(?:mm|cm|mg|ml|kg|years?|yrs?|months?|weeks?|days?|hours?|times|points?|degrees?|"
    r"/10|out of)\b"
)
# what ends a bare number that is not a level: a letter or digit, a decimal, a unit
_NOT_LEVEL_AFTER = rf"[A-Za-z0-9%°]|\.\d|\s*{_UNIT}"

# one vertebra as Chinese text writes it: 第5腰椎, 腰5 (腰椎5), L5
_CNV = rf"(?:第\s?{_CNN}\s?([颈胸腰骶])椎|([颈胸腰骶])椎?\s?{_CNN}|([CTLS])\s?{_N})"
# the space between two vertebrae: 第5腰椎与第1骶椎之间, 颈4与颈5之间, L4、L5椎体间隙
_CNBETWEEN = rf"{_CNV}\s?(?:椎体)?\s?(?:与|和|及|、)\s?{_CNV}\s?(?:椎体)?\s?(?:之间|间隙)"

# The written forms, in three families that each start with one kind of character, so that the
# scan tests a position once per family rather than once per form. Within a family the first form
# that matches at a position wins. _CNBETWEEN is in two families: it may start with L5 or 腰5.
_LATIN: tuple[tuple[str, str], ...] = (
    ("cnbetween", _CNBETWEEN),
    # a span from one vertebral body to another: "T7 vertebral body to T9", "T7椎体至T9椎体"
    (
        "bodyspan",
        rf"([CTLS])\s?{_N}\s?(?:vertebral\s+body|vertebra|椎体)\s*(?:to|through|thru|[-至到~])\s*"
        rf"([CTLS])\s?{_N}",
    ),
    # a span to the sacrum named as a bone: "L4 to the sacrum", "L5-sacrum", "L4至骶骨"
    (
        "sacrum",
        rf"([CTLS])\s?{_N}(?:{_SEP}([CTLS])?\s?{_N})?(?:\s+(?:(?:down|all\s+the\s+way)\s+)?"
        rf"(?:to|through|thru|into|until)\s+(?:the\s+)?|\s?[-~至到]\s?)(?:sacrum|骶骨|骶椎(?!\s?\d))",
    ),
    # C3-4 to C6-7, L2-3 through L4-5
    (
        "segspan",
        rf"([CTLS])\s?{_N}{_SEP}([CTLS])?{_N}(?:\s+(?:to|through|thru|until)\s+|\s?[至到~]\s?)"
        rf"([CTLS])?\s?{_N}{_SEP}([CTLS])?{_N}",
    ),
    # L4-5, L4/L5, L3-S1, L 4-5, C5-7; L2 to L4 (second letter required with words)
    ("pair", rf"([CTLS])\s?{_N}{_SEP}([CTLS])?\s?{_N}(?![A-Za-z0-9])"),
    (
        "pairto",
        rf"([CTLS]){_N}(?:\s+(?:(?:down|up)\s+)?(?:to|through|thru|until)\s+|\s?[至到]\s?)([CTLS]){_N}"
        r"(?![A-Za-z0-9])",
    ),
    # L5S1, T12L1 (no separator: both letters)
    ("glued", rf"([CTLS]){_N}([CTLS]){_N}(?![A-Za-z0-9])"),
    # listhesis of L4 on L5; L4相对L5向前滑脱
    ("on", rf"([CTLS]){_N}(?:\s+on\s+|\s?相对于?\s?)([CTLS]){_N}(?![A-Za-z0-9])"),
    # L5; "C 6" with a space only before a spinal word ("C 6神经根")
    ("single", rf"([CTLS])(\s?){_N}(?![A-Za-z0-9])"),
)
_CHINESE: tuple[tuple[str, str], ...] = (
    ("cnbetween", _CNBETWEEN),
    # 腰4相对腰5滑脱
    ("cnon", rf"([颈胸腰骶])椎?\s?{_CNN}\s?相对于?\s?([颈胸腰骶])椎?\s?{_CNN}"),
    # 腰四五 (spoken: the L4-L5 disc), 颈五六
    (
        "cnspoken",
        r"([颈胸腰骶])椎?([一二三四五六七八九])([二三四五六七八九])(?![十一二三四五六七八九])",
    ),
    # 胸7椎体至胸9椎体: a span from one vertebral body to another
    (
        "cnbodyspan",
        rf"([颈胸腰骶])椎?\s?{_CNN}\s?椎体\s?[-~至到]\s?(?:([颈胸腰骶])椎?)?\s?{_CNN}",
    ),
    ("cnsacrum", rf"([颈胸腰])椎?\s?{_CNN}\s?(?:[-~至到])\s?(?:骶骨|骶椎(?!\s?\d))"),
    # 颈3/4至颈6/7, 腰2/3-4/5
    (
        "cnspan",
        rf"([颈胸腰骶])椎?\s?{_CNN}\s?[-/]\s?{_CNN}\s?(?:[至到~]|-)\s?(?:([颈胸腰骶])椎?)?"
        rf"\s?{_CNN}\s?[-/]\s?(?:([颈胸腰骶])椎?)?{_CNN}",
    ),
    # 腰4/5, 腰5骶1, 腰3-骶1, 腰3至骶1, 胸12腰1, 颈3~7, 腰4椎体
    (
        "cn",
        rf"([颈胸腰骶])椎?\s?{_CNN}(?:\s?(?:[-/~]|至|到)\s?(?:([颈胸腰骶])椎?)?{_CNN}"
        rf"|([颈胸腰骶]){_CNN})?",
    ),
    # 第4腰椎, 第四腰椎, 第4、5腰椎(间隙)
    # 第4、5腰椎 (two), 第7至第9胸椎 (each from the 7th to the 9th)
    ("cnord", rf"第\s?{_CNN}(?:\s?(?:[、,和及]|([-至到~]))\s?第?{_CNN})?\s?([颈胸腰骶])椎(间)?"),
    # 胸椎第8节, 腰椎第4个椎体: the region first, then the ordinal
    ("cnordafter", rf"([颈胸腰骶])椎\s?第\s?{_CNN}\s?(?:节|块|个|椎)"),
    (
        "named",
        r"腰骶(?:交界|关节|结合|移行|段|椎间)|胸腰(?:段|交界|结合|移行)|颈胸(?:段|交界|结合|移行)"
        r"|寰枢|寰椎|枢椎|齿状突|齿突",
    ),
)
_WORDS: tuple[tuple[str, str], ...] = (
    # between C4 and C5 (the segment; a span when they are further apart)
    (
        "betweenlevels",
        rf"between\s+(?:the\s+)?([CTLS])\s?{_N}\s+(?:and|&)\s+(?:the\s+)?([CTLS])\s?{_N}"
        r"(?![A-Za-z0-9])",
    ),
    # a region word and numbers: "cervical 6-7 disc", "lumbar 5-sacral 1", "lumbar 3 to 5"
    (
        "regionpair",
        rf"{_REG}\s+(?:(?:spine|level|levels|segment|disc)\s+)?(\d{{1,2}})(?:\s?[-/]\s?|"
        rf"\s+(?:to|through|thru)\s+)(?:{_REG}\s+)?(\d{{1,2}})(?![\d.%])(?!\s*{_UNIT})",
    ),
    # between the fourth and fifth lumbar vertebrae; between the fifth lumbar and first sacral
    (
        "between",
        rf"between\s+(?:{_DET}\s+)?{_ORD}\s+(?:{_REG}\s+)?(?:vertebra[el]?\s+)?and\s+(?:{_DET}\s+)?"
        rf"{_ORD}\s+{_REG}",
    ),
    # the fourth (and fifth) lumbar vertebra(e) / nerve root
    (
        "ordinal",
        rf"{_ORD}\s+(?:(and|to|through|thru)\s+(?:the\s+)?{_ORD}\s+)?{_REG}\s+"
        rf"(?=vertebra|body|bodies|level|nerve|root|segment|spinous|pedicle|lamina)",
    ),
    (
        "named",
        r"lumbo-?sacral\s+(?:junction|joint|level|disc|segment)"
        r"|thoraco-?lumbar\s+(?:junction|level|segment)"
        r"|cervico-?thoracic\s+(?:junction|level|segment)"
        r"|atlanto-?axial|atlas(?![A-Za-z])"
        r"|jefferson(?:'s)?(?:[-\s]type)?\s*(?:burst\s+)?(?:fracture|骨折)"
        r"|hangman(?:'s)?(?:[-\s]type)?\s*(?:fracture|骨折)|odontoid"
        r"|dens(?![A-Za-z])"
        r"|(?:last|lowest|bottom)\s+lumbar\s+(?:disc|vertebra|bone|level|segment|joint)",
    ),
)
_FAMILIES = (
    (rf"{_B}(?=[CTLS])", _LATIN),  # a level letter starts a word ("3L4" is not a level)
    (r"(?=[颈胸腰骶第寰枢齿])", _CHINESE),
    (rf"{_W}(?=[a-z0-9])", _WORDS),  # an English word starts (\b fails next to CJK)
)
_NAMED = {
    "last lumbar vertebra": ("L5",),
    "last lumbar bone": ("L5",),
    "last lumbar": ("L5-S1",),  # disc, level, segment, joint
    "lowest lumbar vertebra": ("L5",),
    "lowest lumbar bone": ("L5",),
    "lowest lumbar": ("L5-S1",),
    "bottom lumbar vertebra": ("L5",),
    "bottom lumbar bone": ("L5",),
    "bottom lumbar": ("L5-S1",),
    "lumbosacral": ("L5-S1",),
    "thoracolumbar": ("T12-L1",),
    "cervicothoracic": ("C7-T1",),
    "atlantoaxial": ("C1-C2",),
    "atlas": ("C1",),
    "jefferson": ("C1",),
    "hangman": ("C2",),
    "odontoid": ("C2",),
    "dens": ("C2",),
    "腰骶": ("L5-S1",),
    "胸腰": ("T12-L1",),
    "颈胸": ("C7-T1",),
    "寰枢": ("C1-C2",),
    "寰椎": ("C1",),
    "枢椎": ("C2",),
    "齿状": ("C2",),
    "齿突": ("C2",),
}


def _compile() -> tuple[re.Pattern[str], dict[int, tuple[str, int]]]:
    """One pattern for every form; each form's outer group number maps to (form, its groups)."""
    families, groups, offset = [], {}, 1
    for lead, forms in _FAMILIES:
        parts = []
        for name, body in forms:
            inner = re.compile(body).groups
            parts.append(f"({body})")
            groups[offset] = (name, inner)
            offset += inner + 1
        families.append(f"{lead}(?:{'|'.join(parts)})")
    return re.compile("|".join(families), re.IGNORECASE), groups


_MASTER, _GROUPS = _compile()

# bare numbers continuing the previous mention's region: "C5, 6 and 7", "L3-4 and 4-5", "颈4/5、5/6"
_CONT = re.compile(
    r"\s*(?:,|;|、|和|及|与|以及|&|\band\b|\bor\b)\s*(?:and\s+)?(\d{1,2})(?!\d)"
    r"(?:\s{0,2}[-/]\s{0,2}([CTLS])?(\d{1,2})(?!\d))?"
    rf"(?!{_NOT_LEVEL_AFTER}|\s*[分天周月年岁次个])",
    re.IGNORECASE,
)
# the next link of a chain of segments written as one: "-S1" in "L4-L5-S1", "-7" in "C5-6-7"
_CHAIN = re.compile(
    rf"\s{{0,2}}[-/]\s{{0,2}}(?:([CTLS])|([颈胸腰骶])椎?)?\s?(\d{{1,2}})(?!{_NOT_LEVEL_AFTER})",
    re.IGNORECASE,
)
# T1/T2 as MRI weightings, not vertebrae
_SEQ_AFTER = re.compile(
    r"[-_]?\s*(?:(?:and|or|/|,|&|及|和|、|与)\s*T\s?[12]\s*)?[-_]?\s*"
    r"(?:(?:,|and|or|&|/)\s*(?:stir|flair|dwi|pd|gre|tirm|mprage)(?![a-z])|(?:[a-z]+\s+)?(?:signal|"
    r"hyperintens|hypointens|intensity)|weight|wi\b|w\b|flair|fs\b|fat|stir|sequence|image|"
    r"imaging|picture|scan|view|film|hyper|hypo|iso|tse(?![a-z])|fse(?![a-z])|frfse|space(?![a-z])|"
    r"ciss|cube(?![a-z])|blade|propeller|vibe|haste|trufi|spir|dixon|mpr(?![a-z])|"
    r"bright|dark|post|pre|gad|gd\b|contrast|map|rho|relax|shorten|prolong|\*|\+|"
    r"加权|高信号|低信号|等信号|信号|骨髓信号|压脂|抑脂|序列|像|增强|上|呈|矢状位|轴位|冠状位|"
    r"横断位|"
    # a few Chinese words between the weighting and its signal ("T2 髓内高信号", "T1 无低信号",
    # "T2 示脊髓高信号"), none of them a vertebra's ("T2 椎体信号" stays the T2 vertebra)
    r"(?:(?![椎胸颈腰骶])[\u3400-\u9fff]){1,4}(?:信号|加权)|"
    # "T1低、STIR高", "T2稍高": a signal said in one character
    r"(?:是|为|呈)?[稍略]?[高低等暗亮](?![位处段度龄危])|"
    # "T1/T2" as one pair of weightings
    r"/\s*T\s?[12](?![0-9]))",
    re.IGNORECASE,
)
_SEQ_BEFORE = re.compile(
    # "on T2", "sagittal T1", and series descriptions: "AX T2", "SAG_T1", "COR STIR T2"
    r"(?:\bon|sagittal|axial|coronal|\bax|\bsag|\bcor|\btra|stir|fat[- ]?sat(?:urated)?|"
    # "low T1, high T2", "sagittal T1 and T2": the second weighting of a pair
    r"\blow|\bhigh|\bintermediate|\bbright|\bdark|\bboth|"
    r"(?:sagittal|axial|coronal|\bsag|\bax|\bcor|\bboth)[\s_]*T\s?[12]\s*(?:and|or|,|/|&)\s*|"
    r"fat[- ]?suppressed|"
    r"post[- ]?contrast|contrast[- ]?enhanced|enhanced|\bfree|在|及|和|"
    # Chinese planes and sequences: "矢状位T2", "轴位 T2", "T1/T2" (the second of the pair)
    r"矢状位|矢状面|轴位|横断位|横断面|冠状位|冠状面|抑脂|压脂|"
    r"(?:^|[^A-Za-z0-9])T\s?[12]\s*[/、,，]\s*)[\s_]*$",
    re.IGNORECASE,
)
_STAGE_AFTER = re.compile(r"\s?N[0-3xX]")
_STAGE_BEFORE = re.compile(r"(?:\bstaged?|\bclassified(?: as)?|\bTNM)\s*$", re.IGNORECASE)
_ROOT_AFTER = re.compile(
    r"[\s,()\-]*(?:(?:and|or|&|/|-)\s*[CTLS]?\d{1,2}\s*)?(?:nerve|root|radicul|dermatom|myotom|"
    r"distribution|sensory|saddle|神经|皮节|根|支配|鞍区)",
    re.IGNORECASE,
)
_ROOT_BEFORE = re.compile(r"(?:saddle|perineal|perianal|鞍区|会阴)[^.;。]{0,30}$", re.IGNORECASE)
# a range of vertebral bodies, not of segments: "T6-T8 vertebral bodies", "腰2至腰4椎体"
_BODIES_AFTER = re.compile(
    r"\s{0,2}(?:vertebral\s+bod(?:y|ies)|vertebrae|bodies|椎体(?!之?间)|椎骨)", re.IGNORECASE
)
_BODIES_BEFORE = re.compile(
    r"(?:vertebral\s+bodies|vertebrae)\s+(?:of\s+|from\s+|at\s+)?(?:the\s+)?$", re.IGNORECASE
)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _CN_NUM[token]


def _ordinal(token: str) -> int:
    token = token.lower()
    return _ORDINAL[token] if token in _ORDINAL else int(token[:-2])


class _Scan:
    """State of one scan: the folded text, the original text, and what was found."""

    __slots__ = ("text", "orig", "mentions", "warnings", "tail")

    def __init__(self, orig: str) -> None:
        self.orig = orig
        self.text = _fold(orig)
        self.mentions: list[LevelMention] = []
        self.warnings: list[LevelWarning] = []
        self.tail: str | None = None  # lower vertebra of the range just recorded (for chains)

    def vertebra(self, region: str, n: int, start: int, end: int) -> str | None:
        """The canonical vertebra, or None after recording a warning (or silence for roots)."""
        name = f"{region}{n}"
        if name in _INDEX:
            return name
        if (name == "C8" or (region == "S" and 2 <= n <= 5)) and self._root_context(start, end):
            return None  # a real nerve root with no vertebra of that name
        if name in ("L6", "T13"):
            why = "transitional vertebra, not a canonical level"
        elif region == "S" and 2 <= n <= 5:
            why = "sacral segment below S1, outside the canonical level set"
        elif name == "C8":
            why = "no C8 vertebra (C8 is a nerve root)"
        else:
            why = "no such vertebra"
        surface = self.orig[start:end]
        where = name if surface == name else f"{name} (in {surface!r})"
        self.warnings.append(LevelWarning(f"{where}: {why}", start, end, surface))
        return None

    def _root_context(self, start: int, end: int) -> bool:
        return bool(
            _ROOT_AFTER.match(self.text, end, end + 40)
            or _ROOT_BEFORE.search(self.text, max(0, start - 40), start)
        )

    def add(self, level: str, start: int, end: int) -> None:
        kind: Kind = "segment" if "-" in level else "vertebra"
        self.mentions.append(LevelMention(level, start, end, self.orig[start:end], kind))

    def add_each(self, names: Iterable[str | None], start: int, end: int) -> None:
        for name in names:
            if name:
                self.add(name, start, end)

    def add_range(self, a: str | None, b: str | None, start: int, end: int) -> None:
        """A vertebra (a == b), a segment (adjacent) or a span (expanded to its segments)."""
        if a is None or b is None:
            return
        if a == b:
            self.add(a, start, end)
            return
        for seg in segments_between(a, b):
            self.add(seg, start, end)
        self.tail = b

    def add_vertebrae(self, a: str | None, b: str | None, start: int, end: int) -> None:
        """Every vertebra from ``a`` to ``b``: a span written over vertebral bodies."""
        if a is None or b is None:
            return
        i, j = sorted((_INDEX[a], _INDEX[b]))
        for k in range(i, j + 1):
            self.add(VERTEBRAE[k], start, end)

    def pair(
        self, r1: str, n1: int, r2: str, n2: int, start: int, end: int, bodies: bool = False
    ) -> None:
        """A range between two written vertebrae; with ``bodies``, each vertebra when the words
        beside it say the range is one of vertebral bodies ("T6 through T8 vertebral bodies")."""
        a = self.vertebra(r1, n1, start, end)
        b = self.vertebra(r2, n2, start, end)
        if bodies and a != b and self._of_bodies(start, end):
            self.add_vertebrae(a, b, start, end)
        else:
            self.add_range(a, b, start, end)

    def _of_bodies(self, start: int, end: int) -> bool:
        return bool(
            _BODIES_AFTER.match(self.text, end)
            or _BODIES_BEFORE.search(self.text, max(0, start - 30), start)
        )


# Names of other fields spelled like a level, each with the words of its field: thyroid hormones
# (free T4, T3), complement (C3, C4), heart sounds (S1, S2); told apart by those words in the
# same clause, unless a spinal word follows the token ("T4 vertebral body", "S1 nerve root").
_FIELD_WORDS = {
    "T": re.compile(
        r"\bTSH|\bFT[34]|thyro|甲状腺|甲功|促甲|游离|levothyrox|优甲乐|graves|hashimoto|桥本",
        re.IGNORECASE,
    ),
    "C": re.compile(
        r"complement|补体|lupus|\bSLE\b|狼疮|dsDNA|\bANA\b|cryoglobulin|冷球蛋白", re.IGNORECASE
    ),
    "S": re.compile(
        r"heart|心音|murmur|杂音|auscultat|听诊|cardiac|心脏|心律|心率|gallop|奔马律|\bRRR\b|"
        r"regular rate|\bsplit",
        re.IGNORECASE,
    ),
}
_FIELD_NUMBERS = {"T": (3, 4), "C": (3, 4), "S": (1, 2, 3, 4)}
_FIELD_BEFORE = re.compile(r"(?:\bfree|\btotal|\breverse|游离|血清|反)[\s-]*$", re.IGNORECASE)
# a lab value with its unit, "T4 1.2 ng/dL", "C3 0.6 g/L"; diabetes types; C1 esterase inhibitor;
# a tumour stage in Chinese ("T3期")
_FIELD_AFTER = re.compile(
    r"\s*(?:[:：=]\s*)?\d+(?:\.\d+)?\s*(?:pmol|nmol|ng|pg|µg|μg|ug|mcg|mmol|m?iu|g/l|mg/)"
    r"|\s?(?:DM\b|diabet|糖尿病|期(?!间))|\s*(?:esterase|-?INH\b)",
    re.IGNORECASE,
)
_SPINAL_AFTER = re.compile(
    r"[\s,)-]*(?:(?:and|or|&|/|-|、)\s*[CTLS]?\d{1,2}\s*)?(?:vertebra|body|bodies|level|segment|"
    r"fracture|lesion|pedicle|lamina|spinous|transverse|disc|nerve|root|radicul|dermatom|myotom|"
    r"cord|foramen|facet|椎|水平|节段|骨折|神经|平面|根)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;；。\n]|\.\s")


def _other_field(text: str, start: int, end: int, region: str, n: int) -> bool:
    """A token spelled like a level that names something else: free T4, T2DM, complement C3,
    heart sound S2, C1 esterase inhibitor."""
    if _FIELD_AFTER.match(text, end) or (
        region == "T" and _FIELD_BEFORE.search(text, max(0, start - 12), start)
    ):
        return not _SPINAL_AFTER.match(text, end)
    if n not in _FIELD_NUMBERS.get(region, ()):
        return False
    if _SPINAL_AFTER.match(text, end):
        return False
    # the words of the same clause, up to 40 characters either side
    left = _CLAUSE_END.split(text[max(0, start - 40) : start])[-1]
    right = _CLAUSE_END.split(text[end : end + 40], 1)[0]
    return bool(_FIELD_WORDS[region].search(f"{left} {right}"))


def _t_sequence(text: str, start: int, end: int, region: str, n: int) -> bool:
    """``T1``/``T2`` written as an MRI weighting, or a tumour stage, rather than a vertebra."""
    if region != "T":
        return False
    if _STAGE_AFTER.match(text, end) or _STAGE_BEFORE.search(text, max(0, start - 16), start):
        return True
    if n > 2:
        return False
    return bool(_SEQ_AFTER.match(text, end) or _SEQ_BEFORE.search(text, max(0, start - 24), start))


def parse(text: str) -> ParseResult:
    """Find every vertebral level in ``text``.

    Args:
        text: free clinical text, English or Chinese, any width of characters.

    Returns:
        Canonical levels (unique, anatomical order), each mention with its character span in
        ``text`` and surface form, and warnings for non-canonical vertebrae.
    """
    scan = _Scan(text)
    folded = scan.text
    pos = 0
    while True:
        m = _MASTER.search(folded, pos)
        if m is None:
            break
        pos = _handle(scan, m)
    levels = sort_levels(mention.level for mention in scan.mentions)
    return ParseResult(tuple(levels), tuple(scan.mentions), tuple(scan.warnings))


def find_levels(text: str) -> list[str]:
    """Canonical levels in ``text``, unique, in anatomical order."""
    return list(parse(text).levels)


# Each form's handler records what its groups say and returns (region, number) of the last
# vertebra when bare-number continuations may follow ("C5, 6 and 7"), else None.
_Groups = tuple[Any, ...]
_Cont = tuple[str, int] | None


def _segspan(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1, r2, _n2, r3, n3, r4, n4 = g
    first = scan.vertebra(r1.upper(), int(n1), start, end)
    r_last = (r4 or r3 or r2 or r1).upper()
    scan.add_range(first, scan.vertebra(r_last, int(n4), start, end), start, end)
    return r_last, int(n3)


def _pair(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1, r2, n2 = g
    region_a, a, b = r1.upper(), int(n1), int(n2)
    region_b = r2.upper() if r2 else region_a
    if not r2 and b < a:
        a, b = b, a
    # "T1/2 hyperintense", "T1/T2 images": weightings, not the T1-T2 segment
    if region_a == region_b == "T" and b <= 2 and _t_sequence(scan.text, start, end, "T", b):
        return None
    # "C3/C4 low" (complement), "S1/S2 normal" (heart sounds), "T3/T4" (thyroid)
    if region_a == region_b and _other_field(scan.text, start, end, region_a, a):
        return None
    scan.pair(region_a, a, region_b, b, start, end, bodies=True)
    return region_a, a


def _bodyspan(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1, r2, n2 = g
    a = scan.vertebra(r1.upper(), int(n1), start, end)
    scan.add_vertebrae(a, scan.vertebra(r2.upper(), int(n2), start, end), start, end)
    return None


def _cnbodyspan(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c1, t1, c2, t2 = g
    a = scan.vertebra(_CN_REGION[c1], _number(t1), start, end)
    b = scan.vertebra(_CN_REGION[c2 or c1], _number(t2), start, end)
    scan.add_vertebrae(a, b, start, end)
    return None


def _cnvertebra(scan: _Scan, g: _Groups, start: int, end: int) -> str | None:
    t1, c1, c2, t2, letter, n = g
    if c1:
        return scan.vertebra(_CN_REGION[c1], _number(t1), start, end)
    if c2:
        return scan.vertebra(_CN_REGION[c2], _number(t2), start, end)
    return scan.vertebra(letter.upper(), int(n), start, end)


def _cnbetween(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    a = _cnvertebra(scan, g[:6], start, end)
    scan.add_range(a, _cnvertebra(scan, g[6:], start, end), start, end)
    return None


def _cnon(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c1, t1, c2, t2 = g
    return _on(scan, (_CN_REGION[c1], _number(t1), _CN_REGION[c2], _number(t2)), start, end)


def _cnspoken(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c, t1, t2 = g
    region, a, b = _CN_REGION[c], _number(t1), _number(t2)
    if b == a + 1:
        scan.pair(region, a, region, b, start, end)
    else:
        scan.add_each([scan.vertebra(region, n, start, end) for n in (a, b)], start, end)
    return None


def _sacrum(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1 = g[0], g[1]
    scan.add_range(scan.vertebra(r1.upper(), int(n1), start, end), "S1", start, end)
    return None


def _cnsacrum(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c, t = g
    scan.add_range(scan.vertebra(_CN_REGION[c], _number(t), start, end), "S1", start, end)
    return None


def _betweenlevels(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1, r2, n2 = g
    scan.pair(r1.upper(), int(n1), r2.upper(), int(n2), start, end)
    return None


def _regionpair(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    reg1, n1, reg2, n2 = g
    region_a = _EN_REGION[reg1.lower()]
    region_b = _EN_REGION[reg2.lower()] if reg2 else region_a
    a, b = int(n1), int(n2)
    if region_a == region_b and b < a:
        a, b = b, a
    scan.pair(region_a, a, region_b, b, start, end, bodies=True)
    return region_a, a


def _on(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    r1, n1, r2, n2 = g
    a = scan.vertebra(r1.upper(), int(n1), start, end)
    b = scan.vertebra(r2.upper(), int(n2), start, end)
    if a and b and f"{a}-{b}" in _SEGMENT_SET:
        scan.add(f"{a}-{b}", start, end)
    else:
        scan.add_each((a, b), start, end)
    return None


def _single(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    region, space, n = g[0].upper(), g[1], int(g[2])
    if space and not _SPINAL_AFTER.match(scan.text, end):
        return None
    if _t_sequence(scan.text, start, end, region, n) or _other_field(
        scan.text, start, end, region, n
    ):
        return None
    scan.add_each((scan.vertebra(region, n, start, end),), start, end)
    return region, n


def _cn(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c1, t1, c2, t2, c3, t3 = g
    region, n = _CN_REGION[c1], _number(t1)
    if t2 is not None:
        n2 = _number(t2)
        if not c2 and n2 < n:
            n, n2 = n2, n
        scan.pair(region, n, _CN_REGION[c2] if c2 else region, n2, start, end, bodies=True)
    elif t3 is not None:
        scan.pair(region, n, _CN_REGION[c3], _number(t3), start, end, bodies=True)
    else:
        scan.add_each((scan.vertebra(region, n, start, end),), start, end)
    return region, n


def _cnspan(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c1, t1, _t2, c3, t3, c4, t4 = g
    r_last = _CN_REGION[c4 or c3 or c1]
    first = scan.vertebra(_CN_REGION[c1], _number(t1), start, end)
    scan.add_range(first, scan.vertebra(r_last, _number(t4), start, end), start, end)
    return r_last, _number(t3)


def _cnord(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    t1, span, t2, c, gap = g
    region = _CN_REGION[c]
    if t2 is not None and gap:  # 第4、5腰椎间隙: the space between them
        scan.pair(region, _number(t1), region, _number(t2), start, end)
    elif t2 is not None and span:
        scan.add_vertebrae(
            scan.vertebra(region, _number(t1), start, end),
            scan.vertebra(region, _number(t2), start, end),
            start,
            end,
        )
    else:
        numbers = [_number(t) for t in (t1, t2) if t is not None]
        scan.add_each([scan.vertebra(region, n, start, end) for n in numbers], start, end)
    return None


def _cnordafter(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    c, t = g
    scan.add_each([scan.vertebra(_CN_REGION[c], _number(t), start, end)], start, end)
    return None


def _between(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    o1, reg1, o2, reg2 = g
    region_b = _EN_REGION[reg2.lower()]
    region_a = _EN_REGION[reg1.lower()] if reg1 else region_b
    scan.pair(region_a, _ordinal(o1), region_b, _ordinal(o2), start, end)
    return None


def _ordinals(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    o1, word, o2, reg = g
    region = _EN_REGION[reg.lower()]
    numbers = [_ordinal(o) for o in (o1, o2) if o]
    vertebrae = [scan.vertebra(region, n, start, end) for n in numbers]
    if o2 and word.lower() != "and":  # the seventh through ninth thoracic vertebrae
        scan.add_vertebrae(vertebrae[0], vertebrae[1], start, end)
    else:
        scan.add_each(vertebrae, start, end)
    return None


def _named(scan: _Scan, g: _Groups, start: int, end: int) -> _Cont:
    key = " ".join(scan.text[start:end].lower().replace("-", "").split())
    for prefix, levels in _NAMED.items():
        if key.startswith(prefix):
            for level in levels:
                scan.add(level, start, end)
            break
    return None


_HANDLERS: dict[str, Callable[[_Scan, _Groups, int, int], _Cont]] = {
    "bodyspan": _bodyspan,
    "cnbetween": _cnbetween,
    "cnon": _cnon,
    "cnspoken": _cnspoken,
    "cnbodyspan": _cnbodyspan,
    "sacrum": _sacrum,
    "cnsacrum": _cnsacrum,
    "betweenlevels": _betweenlevels,
    "regionpair": _regionpair,
    "segspan": _segspan,
    "pair": _pair,
    "pairto": _pair,
    "glued": _pair,
    "on": _on,
    "single": _single,
    "cnspan": _cnspan,
    "cn": _cn,
    "cnord": _cnord,
    "cnordafter": _cnordafter,
    "between": _between,
    "ordinal": _ordinals,
    "named": _named,
}


def _handle(scan: _Scan, m: re.Match[str]) -> int:
    """Record what match ``m`` says; return where scanning resumes."""
    index = m.lastindex or 0
    while index not in _GROUPS:  # the outer group of the form: the nearest one at or before
        index -= 1
    name, count = _GROUPS[index]
    start, end = m.span()
    scan.tail = None
    cont = _HANDLERS[name](scan, m.groups()[index : index + count], start, end)
    if scan.tail is not None:
        end = _chain(scan, end)
    return end if cont is None else _continue(scan, end, *cont)


def _chain(scan: _Scan, pos: int) -> int:
    """Consume the rest of a chain written as one ("L4-L5-S1", "C5-6-7", "腰4-5-骶1"): each link
    is the segment from the vertebra before it; return the new position."""
    while scan.tail is not None:
        c = _CHAIN.match(scan.text, pos)
        if c is None:
            return pos
        letter, word, number = c.groups()
        region = letter.upper() if letter else _CN_REGION[word] if word else scan.tail[0]
        after = f"{region}{number}"
        if after not in _INDEX or not 0 < _INDEX[after] - _INDEX[scan.tail] <= 2:
            return pos
        scan.add_range(scan.tail, after, c.start(), c.end())
        pos = c.end()
    return pos


def _continue(scan: _Scan, pos: int, region: str, last: int) -> int:
    """Consume bare-number continuations of ``region`` ("C5, 6 and 7"); return the new position."""
    text = scan.text
    while True:
        c = _CONT.match(text, pos)
        if c is None:
            return pos
        a = int(c.group(1))
        if a <= last:
            return pos
        start, end = c.start(1), c.end()
        if c.group(3) is None:
            v = scan.vertebra(region, a, start, end)
            if v:
                scan.add(v, start, end)
        else:
            r2 = c.group(2).upper() if c.group(2) else region
            scan.pair(region, a, r2, int(c.group(3)), start, end)
        last, pos = a, end


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.levels [TEXT]``: one JSON object per input line (or for TEXT)."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(
            "usage: python -m tools.levels [TEXT]\n\n"
            "Prints one JSON object {levels, warnings, mentions} for TEXT, or for each line of\n"
            "UTF-8 standard input when no TEXT is given."
        )
        return 0
    out = sys.stdout
    if args:
        out.write(json.dumps(parse(" ".join(args)).to_json(), ensure_ascii=False) + "\n")
        return 0
    stdin = sys.stdin.buffer
    for raw in stdin:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        out.write(json.dumps(parse(line).to_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
