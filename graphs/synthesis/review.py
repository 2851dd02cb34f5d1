"""The reviewer's criteria for synthesized training records (the synthesis graph's critic).

Like the consult reviewer (``agents.reviewer``), every criterion is checked by code so a finding
is reproducible; the model is then asked to revise against the findings. The level check is the
localizer's (``level_finding``); the rest are here, reading a payload only through its task
(``graphs.synthesis.tasks``: its texts, its structure, its claim). Criteria are versioned: a
change of rule or threshold bumps :data:`DATA_REVIEW_VERSION`, which every record stores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from agents import clinical
from agents.reviewer import DOSE, PLAY_DOWN, URGENT, deidentified
from tools import levels as lv
from tools.tokens import language_of, tokenize

from .records import DataFinding, DataReview, answer_keys
from .tasks import SynthesisTask

DATA_REVIEW_VERSION = "2"
SUPPORT_MIN = 0.5  # share of the answer-bearing text's words found in the source
DATA_CRITERIA: dict[str, str] = {
    "levels_grounded": "every spinal level named is one the source mentions",
    "structure": "MCQ: 4-5 distinct options and one key; open QA: a full answer and 2+ key "
    "points; consultation: 4+ alternating turns ending with assessment and plan; report: all "
    "six sections written",
    "supported": "the key, answer or diagnosis uses the source's words; every figure in every "
    "section is the source's",
    "language": "written in the requested language",
    "no_overreach": "doses only as the source gives them; no promised or guaranteed outcome",
    "anatomy": "the nerve root fits the level and the lesion's zone; a reflex, key muscle or "
    "sensory area named with a root is that root's",
    "grading": "a score's total is named with its own band (SINS, TLICS, SLIC, mJOA)",
    "consistent": "no management the source or the guideline rules out for the condition",
    "key_supported": "MCQ: the source supports the key better than every distractor, and no "
    "distractor as well as the key; the rationale argues for the key",
    "red_flags": "consultation: red flags the patient raises are acted on (urgent or emergency "
    "care), not played down",
    "deidentified": "no names, record numbers, dates, addresses or other identifiers",
    "image_referenced": "an image question's stem refers to the image",
    "not_echo": "no part repeats the instructions instead of answering them",
}
ECHO_MIN = 0.7  # a part whose words are this much the instructions' is an echo, not content
_IMAGE_WORDS = re.compile(r"image|figure|radiograph|scan|x-ray|mri|ct\b|shown|图|影像|片", re.I)


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


def _supported(
    text: str,
    source: str,
    lang: str,
    source_lang: str,
    key: str = "",
    figures: tuple[Sequence[str], Sequence[str]] = ((), ()),
    support_min: float = SUPPORT_MIN,
) -> DataFinding:
    """The claim shares the source's words (same language only); every figure of ``figures``'
    checked texts is the source's or the scenario's, in any language."""
    checked, scenario = figures
    allowed = clinical.source_numbers(source) | {
        n for t in scenario for n in clinical.numbers(t, ages=True)
    }
    # a percentage must be one the source states as a percentage ("5-10%" is not sourced by a
    # "5" and a "10" elsewhere)
    stated = clinical.source_percents(source) | {n for t in scenario for n in clinical.percents(t)}
    allowed |= {f"{n}%" for n in stated}
    said = {t: clinical.numbers(t) | {f"{n}%" for n in clinical.percents(t)} for t in checked}
    found = {n for figures_of in said.values() for n in figures_of} - allowed
    quotes = [t for t, figures_of in said.items() if figures_of & found][:3]
    invented = sorted(found, key=lambda n: (float(n.rstrip("%")), n))  # "90" before "90%"
    if lang != source_lang:
        ok = not invented
        detail = f"words not compared: written in {lang} from a {source_lang} source"
        if invented:
            detail += f"; figures not in the source: {', '.join(invented[:5])}"
        return DataFinding(
            criterion="supported",
            passed=ok,
            severity="major" if invented else "minor",
            detail=detail,
            quotes=quotes,
        )
    source_words = _words(source)
    words = set(tokenize(text))
    share = len(words & source_words) / len(words) if words else 0.0
    key_words = set(tokenize(key)) if key else set()
    key_share = len(key_words & source_words) / len(key_words) if key_words else 1.0
    ok = share >= support_min and key_share >= SUPPORT_MIN and not invented
    detail = f"{share:.0%} of its words are the source's (needs {support_min:.0%})"
    if key_share < SUPPORT_MIN:
        detail += f"; the key option shares {key_share:.0%} of its words with the source"
    if invented:
        detail += f"; figures not in the source: {', '.join(invented[:5])}"
    return DataFinding(
        criterion="supported", passed=ok, severity="major", detail=detail, quotes=quotes
    )


def _issues_finding(criterion: Any, issues: Sequence[clinical.Issue], clean: str) -> DataFinding:
    return DataFinding(
        criterion=criterion,
        passed=not issues,
        severity="major",
        detail="; ".join(dict.fromkeys(i.detail for i in issues)) if issues else clean,
        quotes=list(dict.fromkeys(i.quote for i in issues))[:3],
    )


_DRUG = re.compile(
    r"mg|mcg|µg|tablet|capsule|dose|drug|medic|antibiotic|analgesi|steroid|injection|infusion|"
    r"oral|intravenous|\biv\b|片|粒|药|剂量|口服|静脉|注射|服用|输注|抗生素|激素",
    re.IGNORECASE,
)
_UNIT = re.compile(r"\d\s*(?:mg|mcg|µg|g|ml|iu|units?|毫克|微克|片|粒)", re.IGNORECASE)


def _unsourced_doses(text: str, source: str) -> list[str]:
    """Doses the source does not give; a bare frequency ("twice a day") counts only beside a
    drug word (neurological checks twice a day are not a dose)."""
    found = []
    for _, clause in clinical.clauses(text):
        for m in DOSE.finditer(clause):
            if m.group(0) in source:
                continue
            if _UNIT.search(m.group(0)) or _DRUG.search(clause):
                found.append(m.group(0))
    return found


_YEAR = re.compile(r"(?:19|20)\d\d")


def _source_date(source: str) -> Callable[[str, str], bool]:
    """A month and year whose year the source states (a guideline's update, "2020 年 12 月")
    dates the source, not the patient."""
    years = clinical.source_numbers(source)

    def exempt(kind: str, text: str) -> bool:
        found = _YEAR.findall(text)
        return (
            kind == "DATE"
            and bool(found)
            and set(found) <= years
            and (len(re.findall(r"\d+", text)) <= 2)
        )

    return exempt


def _overreach(texts: Sequence[str], source: str) -> DataFinding:
    doses = [t for t in texts if _unsourced_doses(t, source)]
    promised = [i for t in texts for i in clinical.promises(t, source)]
    parts = []
    if doses:
        parts.append(f"{len(doses)} part(s) give a dose the source does not")
    if promised:
        parts.append("; ".join(dict.fromkeys(i.detail for i in promised)))
    return DataFinding(
        criterion="no_overreach",
        passed=not (doses or promised),
        severity="major",
        detail="; ".join(parts) or "no unsourced dosing or promised outcome",
        quotes=[*doses, *(i.quote for i in promised)][:3],
    )


@lru_cache(maxsize=64)
def _case_flags(source: str) -> frozenset[str]:
    """Red flags the source case presents and manages without urgency: a patient who reports
    them is the case's patient, not one with a new flag (neurogenic claudication in both legs
    is not cauda equina syndrome). A source that acts urgently manages none this way."""
    from agents.triage import assess

    if URGENT.search(source):
        return frozenset()
    return frozenset(r.code for r in assess(source).reasons)


def _red_flags(payload: Mapping[str, Any], source: str, lang: str, source_lang: str) -> DataFinding:
    """A consultation's patient turns through the triage rules; flags found must be acted on
    after they are raised (a later doctor turn, the assessment or the plan)."""
    from agents.triage import assess

    turns = payload["turns"]
    own = _case_flags(source)
    flagged = [
        (i, triage)
        for i, turn in enumerate(turns)
        if turn["role"] == "patient"
        and (triage := assess(turn["content"])).level != "routine"
        and any(r.code not in own for r in triage.reasons)
    ]
    if not flagged:
        return DataFinding(
            criterion="red_flags", passed=True, severity="major", detail="no red flag raised"
        )
    first = flagged[0][0]
    found = max((t for _, t in flagged), key=lambda t: t.level == "emergency")
    after = [t["content"] for t in turns[first:] if t["role"] == "doctor"]
    reply = "\n".join([*after, str(payload["assessment"]), str(payload["plan"])])
    played_down = [t for t in after if PLAY_DOWN.search(t)]
    acted = bool(URGENT.search(reply))
    state = "played down" if played_down else "acted on" if acted else "not acted on"
    return DataFinding(
        criterion="red_flags",
        passed=acted and not played_down,
        severity="major",
        detail=f"the patient raises {found.level} red flags ({found.summary()}): {state}",
        quotes=played_down[:3],
    )


# ---- an MCQ's key against its distractors ----------------------------------------------------

KEY_MARGIN = 0.15  # a distractor this much better supported than the key is the source's answer


def _option_support(option: set[str], stem: set[str], sentences: Sequence[frozenset[str]]) -> float:
    """How well one source sentence backs the option in the stem's context: the share of the
    option's own words it holds, weighted by how much of the stem it shares."""
    if not option:
        return 0.0
    best = 0.0
    for words in sentences:
        covered = len(option & words) / len(option)
        if not covered:
            continue
        context = (1 + len(stem & words)) / (1 + len(stem))
        best = max(best, covered * context)
    return best


def _key_supported(
    payload: Mapping[str, Any], source: str, lang: str, source_lang: str
) -> DataFinding:
    options: dict[str, str] = dict(payload["options"])
    keys = answer_keys(str(payload["answer"]), options)
    if len(keys) != 1 or keys[0] not in options:
        return DataFinding(
            criterion="key_supported", passed=True, severity="major", detail="no single key"
        )
    key = keys[0]
    tokens = {k: set(tokenize(v)) for k, v in options.items()}
    shared = set.intersection(*tokens.values()) if tokens else set()
    stem = set(tokenize(str(payload["question"])))
    own = {k: v - shared - stem for k, v in tokens.items()}
    rationale = set(tokenize(str(payload["rationale"])))
    problems = []
    # the rationale argues for another option: it names none of the key's own words and all of
    # another's
    if own[key] and not own[key] & rationale:
        argued = [k for k, v in own.items() if k != key and v and v <= rationale]
        if argued:
            problems.append(f"the rationale argues for {', '.join(argued)}, not the key {key}")
    if lang == source_lang:
        sentences = clinical.sentence_words(source)
        support = {k: _option_support(v, stem, sentences) for k, v in own.items()}
        better = [k for k in support if k != key and support[k] > support[key] + KEY_MARGIN]
        if better:
            problems.append(
                f"the source backs {', '.join(better)} ({max(support[k] for k in better):.2f}) "
                f"better than the key {key} ({support[key]:.2f})"
            )
    return DataFinding(
        criterion="key_supported",
        passed=not problems,
        severity="major",
        detail="; ".join(problems) or f"the key {key} is the best supported option",
    )


# the criteria only one task has (the rest read every task through its texts)
_TASK_CHECKS: dict[str, tuple[Callable[[Mapping[str, Any], str, str, str], DataFinding], ...]] = {
    "mcq": (_key_supported,),
    "open_qa": (),
    "consultation": (_red_flags,),
    "report": (),
}


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
    said = [t for t in task.review_texts(payload, distractors=False) if t]
    joined = "\n".join(texts)
    structure = task.check_structure(payload)
    written = language_of(joined)
    asked = _words(instructions)
    claim, key = task.claim(payload)
    echoes = [t for t in texts if _share(t, asked) >= ECHO_MIN] if asked else []
    figures = task.figure_texts(payload)
    findings: list[DataFinding] = [
        level,
        DataFinding(
            criterion="structure",
            passed=not structure,
            severity="major",
            detail="; ".join(structure) or "complete",
        ),
        _supported(claim, source_text, lang, source_lang, key, figures, task.support_min),
        DataFinding(
            criterion="language",
            passed=written == lang,
            severity="major",
            detail=f"written in {written}, asked for {lang}",
        ),
        _overreach(said, source_text),
        deidentified("\n".join([joined, *figures[1]]), DataFinding, _source_date(source_text)),
        DataFinding(
            criterion="not_echo",
            passed=not echoes,
            severity="major",
            detail=f"{len(echoes)} part(s) repeat the instructions" if echoes else "no echo",
            quotes=echoes[:3],
        ),
        _issues_finding(
            "anatomy",
            [i for t in said for i in clinical.root_issues(t)],
            "roots fit their levels and signs",
        ),
        _issues_finding(
            "grading",
            [i for t in said for i in clinical.grading_issues(t)],
            "scores sit in their bands",
        ),
        _issues_finding(
            "consistent",
            [
                i
                for t in said
                for i in [*clinical.stance_issues(t), *clinical.against_source(t, source_text)]
            ],
            "no management the source rules out",
        ),
    ]
    findings += [
        check(payload, source_text, lang, source_lang) for check in _TASK_CHECKS[task.name]
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
