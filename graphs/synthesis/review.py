"""The reviewer's criteria for synthesized training records (the synthesis graph's critic).

Like the consult reviewer (``agents.reviewer``), every criterion is checked by code so a finding
is reproducible; the model is then asked to revise against the findings. The level check is the
localizer's (``level_finding``); the rest are here, reading a payload only through its task
(``graphs.synthesis.tasks``: its texts, its structure, its claim). Criteria are versioned: a
change of rule or threshold bumps :data:`DATA_REVIEW_VERSION`, which every record stores.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from agents.reviewer import CERTAIN, DOSE, deidentified
from tools import levels as lv
from tools.tokens import language_of, tokenize

from .records import DataFinding, DataReview
from .tasks import SynthesisTask

DATA_REVIEW_VERSION = "1"
SUPPORT_MIN = 0.5  # share of the answer-bearing text's words found in the source
DATA_CRITERIA: dict[str, str] = {
    "levels_grounded": "every spinal level named is one the source mentions",
    "structure": "MCQ: 4-5 distinct options and one key; open QA: a full answer and 2+ key "
    "points; consultation: 4+ alternating turns ending with assessment and plan; report: all "
    "six sections written",
    "supported": "the key, answer or diagnosis uses the source's words and numbers",
    "language": "written in the requested language",
    "no_overreach": "doses only as the source gives them; no promised outcomes",
    "deidentified": "no names, record numbers, dates, addresses or other identifiers",
    "image_referenced": "an image question's stem refers to the image",
    "not_echo": "no part repeats the instructions instead of answering them",
}
ECHO_MIN = 0.7  # a part whose words are this much the instructions' is an echo, not content
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_IMAGE_WORDS = re.compile(r"image|figure|radiograph|scan|x-ray|mri|ct\b|shown|图|影像|片", re.I)
_LEVEL_NUMBER = re.compile(r"\b[CTLS]\d{1,2}\b")


def level_finding(
    texts: Sequence[str],
    source_levels: Sequence[str],
    required: bool = False,
    named: Sequence[str] | None = None,
) -> DataFinding:
    """The localizer's check: every level named in ``texts`` must be one the source mentions;
    with ``required`` (a report or consultation on a case with known levels), one must be named."""
    if named is None:
        named = lv.sort_levels(x for t in texts for x in lv.find_levels(t))
    wrong = [x for x in named if not lv.grounded(x, source_levels)]
    if wrong:
        where = ", ".join(source_levels) or "no level at all"
        return DataFinding(
            criterion="levels_grounded",
            passed=False,
            severity="major",
            detail=f"names {', '.join(wrong)}, which the source never mentions (it names {where})",
            quotes=[t for t in texts if set(lv.find_levels(t)) & set(wrong)][:3],
        )
    if required and source_levels and not named:
        return DataFinding(
            criterion="levels_grounded",
            passed=False,
            severity="major",
            detail=f"names no level, though the case is about {', '.join(source_levels)}",
        )
    return DataFinding(
        criterion="levels_grounded",
        passed=True,
        severity="major",
        detail=f"levels {', '.join(named)} are the source's" if named else "names no level",
    )


@lru_cache(maxsize=2048)
def _words(text: str) -> frozenset[str]:
    """Tokens of a source or of the instructions: the same texts come back for every draft
    drawn from them, and tokenizing 2,000 characters (level parsing included) is most of a
    review's time."""
    return frozenset(tokenize(text))


def _supported(text: str, source: str, lang: str, source_lang: str, key: str = "") -> DataFinding:
    if lang != source_lang:
        return DataFinding(
            criterion="supported",
            passed=True,
            severity="minor",
            detail=f"not checked word by word: written in {lang} from a {source_lang} source",
        )
    source_words = _words(source)
    words = set(tokenize(text))
    share = len(words & source_words) / len(words) if words else 0.0
    # a level's digits are checked by the localizer; a number otherwise must be the source's
    numbers = set(_NUMBER.findall(_LEVEL_NUMBER.sub(" ", text)))
    invented = sorted(numbers - set(_NUMBER.findall(source)))
    key_words = set(tokenize(key)) if key else set()
    key_share = len(key_words & source_words) / len(key_words) if key_words else 1.0
    ok = share >= SUPPORT_MIN and key_share >= SUPPORT_MIN and not invented
    detail = f"{share:.0%} of its words are the source's (needs {SUPPORT_MIN:.0%})"
    if key_share < SUPPORT_MIN:
        detail += f"; the key option shares {key_share:.0%} of its words with the source"
    if invented:
        detail += f"; numbers not in the source: {', '.join(invented[:5])}"
    return DataFinding(criterion="supported", passed=ok, severity="major", detail=detail)


def critique(
    task: SynthesisTask,
    payload: Mapping[str, Any],
    *,
    source_text: str,
    source_lang: str,
    lang: str,
    level: DataFinding,
    round: int,
    image: bool = False,
    instructions: str = "",
) -> DataReview:
    """Every criterion's finding on one draft payload (a dict: it may not validate yet)."""
    texts = [t for t in task.review_texts(payload) if t]
    joined = "\n".join(texts)
    structure = task.check_structure(payload)
    written = language_of(joined)
    overreach = [
        t
        for t in texts
        if any(m.group(0) not in source_text for m in DOSE.finditer(t)) or CERTAIN.search(t)
    ]
    asked = _words(instructions)
    claim, key = task.claim(payload)
    echoes = [t for t in texts if _share(t, asked) >= ECHO_MIN] if asked else []
    findings: list[DataFinding] = [
        level,
        DataFinding(
            criterion="structure",
            passed=not structure,
            severity="major",
            detail="; ".join(structure) or "complete",
        ),
        _supported(claim, source_text, lang, source_lang, key),
        DataFinding(
            criterion="language",
            passed=written == lang,
            severity="major",
            detail=f"written in {written}, asked for {lang}",
        ),
        DataFinding(
            criterion="no_overreach",
            passed=not overreach,
            severity="major",
            detail=f"{len(overreach)} part(s) give an unsourced dose or promise an outcome"
            if overreach
            else "no unsourced dosing or certainty",
            quotes=overreach[:3],
        ),
        deidentified(joined, DataFinding),
        DataFinding(
            criterion="not_echo",
            passed=not echoes,
            severity="major",
            detail=f"{len(echoes)} part(s) repeat the instructions" if echoes else "no echo",
            quotes=echoes[:3],
        ),
    ]
    if image:
        stem = str(payload.get("question", ""))
        findings.append(
            DataFinding(
                criterion="image_referenced",
                passed=bool(_IMAGE_WORDS.search(stem)),
                severity="minor",
                detail="the stem refers to the image"
                if _IMAGE_WORDS.search(stem)
                else "the stem does not mention the image",
            )
        )
    return DataReview(version=DATA_REVIEW_VERSION, round=round, findings=findings)


def _share(text: str, words: frozenset[str]) -> float:
    mine = set(tokenize(text))
    return len(mine & words) / len(mine) if len(mine) >= 3 else 0.0
