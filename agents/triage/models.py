"""What triage returns and how flags combine: codes, levels, labels, the result models.

Every layer (rules, similarity, model check) finds :class:`RedFlag` s; :func:`decide` turns the
flags of all layers into one :class:`Triage`, applying the combinations once, so a later layer
can add a flag or raise a level but never lower or clear one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "CODES",
    "LABELS",
    "RANK",
    "TRIAGE_VERSION",
    "Layer",
    "RedFlag",
    "Triage",
    "TriageLevel",
    "decide",
    "flag",
]

TriageLevel = Literal["emergency", "urgent", "routine"]
Layer = Literal["rules", "similarity", "model"]
TRIAGE_VERSION = "3"
RANK: dict[str, int] = {"routine": 0, "urgent": 1, "emergency": 2}

# code: category, level alone, English label, Chinese label
CODES: dict[str, tuple[str, TriageLevel, str, str]] = {
    "saddle_anaesthesia": ("cauda_equina", "emergency", "saddle anaesthesia", "鞍区麻木"),
    "sphincter_dysfunction": ("cauda_equina", "emergency", "bladder or bowel dysfunction",
                              "大小便功能障碍"),
    "sexual_dysfunction": ("cauda_equina", "emergency", "new sexual dysfunction", "新发性功能障碍"),
    # GIRFT (2023): new bilateral radicular symptoms are suspected CES, referred immediately.
    "bilateral_sciatica": ("cauda_equina", "emergency", "bilateral sciatica", "双侧坐骨神经痛"),
    "progressive_deficit": ("neurological_deficit", "emergency", "progressive neurological deficit",
                            "进行性神经功能障碍"),
    "sensory_level": ("neurological_deficit", "emergency", "numbness below a level of the trunk",
                      "躯干平面以下麻木"),
    "neck_injury_paraesthesia": ("trauma", "emergency", "neck injury with arm or hand tingling",
                                 "颈部外伤后上肢麻木"),
    "motor_deficit": ("neurological_deficit", "urgent", "limb weakness", "肢体无力"),
    "fever": ("infection", "urgent", "fever", "发热"),
    "iv_drug_use": ("infection", "urgent", "injecting drug use", "静脉吸毒"),
    "immunosuppression": ("infection", "urgent", "immunosuppression", "免疫抑制"),
    "infection_risk": ("infection", "urgent", "recent spinal procedure or infection elsewhere",
                       "近期脊柱操作或其他部位感染"),
    "diabetes": ("infection", "routine", "diabetes (infection risk)", "糖尿病（感染风险）"),
    "cancer_history": ("malignancy", "urgent", "history of cancer", "肿瘤病史"),
    "weight_loss": ("malignancy", "urgent", "unexplained weight loss", "不明原因体重下降"),
    "night_pain": ("malignancy", "urgent", "night or rest pain", "夜间痛或静息痛"),
    "major_trauma": ("trauma", "urgent", "major trauma", "严重外伤"),
    "minor_trauma_fragility": ("trauma", "urgent", "minor trauma with fragile bones",
                               "骨质脆弱者轻微外伤"),
    "myelopathy": ("myelopathy", "urgent", "signs of myelopathy", "脊髓病表现"),
}  # fmt: skip
LABELS: dict[str, dict[str, str]] = {c: {"en": v[2], "zh": v[3]} for c, v in CODES.items()}
_LEVEL_ZH = {"emergency": "急诊", "urgent": "尽快就诊", "routine": "常规"}
# between flags, before the quotes, between quotes, after them
_PUNCTUATION = {"en": ("; ", " (", ", ", ")"), "zh": ("；", "（", "，", "）")}

# A flag of the first group with one of the second is an emergency, and every flag involved is
# raised so the reasons say why: epidural abscess, metastatic cord compression, cord injury.
_DEFICIT = frozenset({"motor_deficit", "progressive_deficit", "sensory_level"})
COMBINATIONS = (
    (frozenset({"fever", "iv_drug_use", "immunosuppression", "infection_risk"}), _DEFICIT),
    (frozenset({"cancer_history"}), _DEFICIT | {"myelopathy"}),
    (frozenset({"major_trauma"}), _DEFICIT | {"myelopathy", "saddle_anaesthesia",
                                              "sphincter_dysfunction"}),
)  # fmt: skip


class RedFlag(BaseModel):
    """One red flag found in the text."""

    code: str = Field(description="red-flag code, a key of LABELS")
    category: str = Field(description="cauda_equina, neurological_deficit, infection, ...")
    level: TriageLevel = Field(description="level this flag implies, combinations included")
    evidence: str = Field(description="the words that triggered it, as written")
    start: int = Field(description="character offset of the evidence in the assessed text")
    end: int = Field(description="end offset of the evidence in the assessed text")
    layer: Layer = Field("rules", description="the layer that found it")
    score: float | None = Field(None, description="similarity to the nearest exemplar (similarity)")


class Triage(BaseModel):
    """The triage of a text: overall level and the red flags behind it."""

    level: TriageLevel = Field(description="highest level among the reasons; routine if none")
    reasons: list[RedFlag] = Field(
        default_factory=list, description="red flags, emergency first, then by position"
    )
    version: str = Field(TRIAGE_VERSION, description="rule-set version (TRIAGE_VERSION)")

    def named(self, lang: str = "en", *, words: bool = True) -> str:
        """The flags' labels in the patient's language, each with the words that raised it."""
        key = "zh" if lang.lower().startswith("zh") else "en"
        said: dict[str, list[str]] = {}
        for r in self.reasons:
            quotes = said.setdefault(LABELS[r.code][key], [])
            if words and r.evidence.strip() and r.evidence.strip() not in quotes:
                quotes.append(r.evidence.strip())
        between, opening, comma, closing = _PUNCTUATION[key]
        return between.join(
            f"{label}{opening}{comma.join(f'“{q}”' for q in quotes)}{closing}" if quotes else label
            for label, quotes in said.items()
        )

    def summary(self, lang: str = "en") -> str:
        """One line: the level and the reasons' labels, in English or Chinese ("zh...")."""
        named = self.named(lang, words=False)
        if lang.lower().startswith("zh"):
            return f"{_LEVEL_ZH[self.level]}：" + (named or "未发现红旗征")
        return f"{self.level}: " + (named or "no red flags")


def flag(code: str, text: str, start: int, end: int, **extra: object) -> RedFlag:
    """A red flag of ``code`` at ``text[start:end]``, at the level the code has alone."""
    category, level = CODES[code][:2]
    return RedFlag(
        code=code, category=category, level=level, evidence=text[start:end], start=start,
        end=end, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def decide(*layers: Iterable[RedFlag]) -> Triage:
    """One triage from the flags of every layer, the first layer's flag kept for each code.

    Combinations are applied over the union, so adding a layer can only add flags and raise
    levels: the result is never below what any one layer found alone.
    """
    found: dict[str, RedFlag] = {}
    for flags in layers:
        for f in flags:
            kept = found.setdefault(f.code, f)
            if RANK[f.level] > RANK[kept.level]:
                found[f.code] = kept.model_copy(update={"level": f.level})
    for first, second in COMBINATIONS:
        if first & found.keys() and second & found.keys():
            for code in (first | second) & found.keys():
                found[code] = found[code].model_copy(update={"level": "emergency"})
    reasons = sorted(found.values(), key=lambda r: (-RANK[r.level], r.start, r.end))
    level: TriageLevel = max((r.level for r in reasons), key=RANK.__getitem__, default="routine")
    return Triage(level=level, reasons=reasons)
