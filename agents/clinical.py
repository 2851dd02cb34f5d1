"""Clinical checks as code: what a spine surgeon reads a draft for, in English and Chinese.

Each check reads plain text and returns :class:`Issue` objects (the rule, the offending clause,
what is wrong); reviewers turn them into findings. The facts come from a cited table kept as
data (``knowledge/clinical_facts.yaml``):

- :func:`root_issues`: the nerve root named must fit the disc level and the lesion's zone
  (posterolateral → traversing root, foraminal/far-lateral → exiting root; cervical → the lower
  vertebra's root), and a reflex, key muscle or sensory area named with one root must be that
  root's;
- :func:`grading_issues`: a score's total named with another band's word (SINS 14 called
  indeterminate, mJOA 13 called mild, TLICS 6 called non-operative);
- :func:`promises`: a promised or guaranteed outcome, in any common wording, with refusals to
  promise ("I can't promise", 不能保证) left alone;
- :func:`numbers` / :func:`source_numbers`: the figures a text states, and those a source
  states (digits, English number words, Chinese numerals), so that every figure can be checked.

Educational checks for training data; not medical advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from tools import levels as lv
from tools.tokens import tokenize

FACTS = Path(__file__).resolve().parents[1] / "knowledge" / "clinical_facts.yaml"


@dataclass(frozen=True)
class Issue:
    """One thing a check found: the rule, the clause it is in, and what is wrong."""

    rule: str
    quote: str
    detail: str


@cache
def facts() -> dict[str, Any]:
    """The cited table (read once)."""
    data: dict[str, Any] = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    return data


def words_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Any of ``words``, longest first: an English word not inside another ("operative" is not
    in "non-operative"), a Chinese one with any spacing ("3 级" is 3级)."""
    return re.compile(
        "|".join(
            rf"(?<![A-Za-z-]){re.escape(w)}(?![A-Za-z])"
            if w.isascii()
            else r"\s*".join(map(re.escape, w))
            for w in sorted(words, key=len, reverse=True)
        ),
        re.IGNORECASE,
    )


# ---- clauses ----------------------------------------------------------------------------------

_CLAUSE = re.compile(r"[^.;!?。；！？\n]+")
_NEGATION = re.compile(
    r"(?:\b(?:not|no|never|nor|rather than|instead of|unlike|spar(?:es|ing|ed)|without|"
    r"can't|cannot|can not|won't|couldn't|wouldn't|don't|doesn't|isn't|unlikely)\b"
    r"|不是|而非|并非|不会|不能|无法|没有|未|不累及|不影响|而不是)[^,，]{0,24}$",
    re.IGNORECASE,
)


def clauses(text: str) -> Iterator[tuple[int, str]]:
    """Clauses (split at sentence ends and semicolons) with their offsets."""
    for m in _CLAUSE.finditer(text):
        if m.group(0).strip():
            yield m.start(), m.group(0)


def _negated(clause: str, start: int) -> bool:
    return bool(_NEGATION.search(clause[max(0, start - 40) : start]))


# ---- roots and signs --------------------------------------------------------------------------

_ROOT = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<role>traversing|exiting|descending|行走|走行|出口)\s*)?"
    r"(?:(?:left|right|bilateral|左侧?|右侧?|双侧)\s*)?(?P<root>[CLS]\d|T1)(?!\d)\s*"
    r"(?:(?:nerve\s+)?roots?\b|radiculopathy|radicular|dermatom\w*|myotom\w*|神经根|根性|根)",
    re.IGNORECASE,
)
_ROOT_CN = re.compile(r"(?P<region>[颈腰骶])(?P<n>[1-8一二三四五六七八])\s*神经根")
_FAR = re.compile(
    r"far[- ]?lateral|extra[- ]?foraminal|foraminal|exiting|极外侧|椎间孔|出口根", re.IGNORECASE
)
_POSTEROLATERAL = re.compile(
    r"posterolateral|paracentral|para-central|subarticular|lateral recess|central|traversing|"
    r"后外侧|旁中央|侧隐窝|中央型|走行根|行走根",
    re.IGNORECASE,
)
_DISC = re.compile(
    r"herniat|protru|extru|sequest|disc|disk|fragment|突出|脱出|椎间盘|游离", re.IGNORECASE
)
_SPARED_AFTER = re.compile(
    r"[^.;,，；]{0,12}?\b(?:is|are|was|were|remains?|stays?)\s+(?:not|spared|free|normal|"
    r"unaffected|intact)\b|\s*(?:未受|不受|无受|正常|完好)",
    re.IGNORECASE,
)


def _roots_in(clause: str) -> list[tuple[str, str, int]]:
    """Roots named in a clause: (root, role word or "", offset), negated mentions left out."""
    found = []
    for m in _ROOT.finditer(clause):
        if not _negated(clause, m.start()) and not _SPARED_AFTER.match(clause, m.end()):
            found.append((m.group("root").upper(), (m.group("role") or "").lower(), m.start()))
    for m in _ROOT_CN.finditer(clause):
        n = m.group("n")
        region = {"颈": "C", "腰": "L", "骶": "S"}[m.group("region")]
        number = int(n) if n.isdigit() else cn_number(n)
        if not _negated(clause, m.start()):
            found.append((f"{region}{number}", "", m.start()))
    return found


def _allowed(segment: str, clause: str, role: str) -> set[str] | None:
    """The roots a lesion at ``segment`` may meet, given the clause's zone words."""
    table = facts()["roots"]
    if segment in table["cervical"]:
        return {table["cervical"][segment]}
    pair = table["lumbar"].get(segment)
    if pair is None:
        return None
    if role in ("traversing", "descending", "行走", "走行"):
        return {pair["traversing"]}
    if role in ("exiting", "出口"):
        return {pair["exiting"]}
    if not _DISC.search(clause):
        return {pair["traversing"], pair["exiting"]}  # stenosis, a decompression: either root
    far, near = bool(_FAR.search(clause)), bool(_POSTEROLATERAL.search(clause))
    if far and not near:
        return {pair["exiting"]}
    if near and not far:
        return {pair["traversing"]}
    if not far:
        return {pair["traversing"]}  # a disc lesion with no zone named is posterolateral
    return {pair["traversing"], pair["exiting"]}


@cache
def _sign_patterns() -> list[tuple[re.Pattern[str], frozenset[str], str]]:
    out = []
    for kind, rows in facts()["signs"].items():
        if kind == "source":
            continue
        for row in rows:
            pattern = words_pattern([*row.get("en", []), *row.get("zh", [])])
            out.append((pattern, frozenset(row["roots"]), kind))
    return out


def root_issues(text: str) -> list[Issue]:
    """Roots that do not fit the level and zone named with them; signs of another root."""
    issues: list[Issue] = []
    for _, clause in clauses(text):
        roots = _roots_in(clause)
        if not roots:
            continue
        segments = [
            m.level for m in lv.parse(clause).mentions if m.kind == "segment" and m.level[0] in "CL"
        ]
        if segments:
            for root, role, at in roots:
                allowed: set[str] = set()
                known = False
                linked = _linked_segment(clause, at)
                used = [linked] if linked else segments
                for seg in used:
                    fits = _allowed(seg, clause, role)
                    if fits is not None:
                        known = True
                        allowed |= fits
                if known and root not in allowed and _same_region(root, allowed):
                    issues.append(_root_issue(clause, root, used, allowed))
        named = {r for r, _, _ in roots}
        if len(named) != 1:
            continue
        (root,) = named
        for pattern, belongs, kind in _sign_patterns():
            m = pattern.search(clause)
            if m and root not in belongs and _same_limb(root, belongs):
                issues.append(
                    Issue(
                        "anatomy",
                        clause.strip(),
                        f"{m.group(0)} ({kind}) belongs to {'/'.join(sorted(belongs))}, not the "
                        f"{root} root",
                    )
                )
    return issues


_LINK = re.compile(
    r"[^.;,，；]{0,24}?\b(?:from|at|due to|caused by|secondary to)\s+(?:the\s+)?"
    r"(?:(?:left|right|bilateral|foraminal|far-lateral|posterolateral)\s+)*",
    re.IGNORECASE,
)


def _linked_segment(clause: str, at: int) -> str | None:
    """The segment a root is said to come from ("C7 radiculopathy from C5-C6 stenosis")."""
    rest = clause[at:]
    m = _ROOT.match(rest) or _ROOT_CN.match(rest)
    if m is None:
        return None
    link = _LINK.match(rest, m.end())
    if link is None:
        return None
    mentions = lv.parse(rest[link.end() : link.end() + 12]).mentions
    first = mentions[0] if mentions else None
    return (
        first.level if first is not None and first.start == 0 and first.kind == "segment" else None
    )


def _same_region(root: str, allowed: set[str]) -> bool:
    lumbosacral = {"L", "S"}
    return any((root[0] in lumbosacral) == (a[0] in lumbosacral) for a in allowed)


def _same_limb(root: str, fits: frozenset[str]) -> bool:
    """Only compare a root with signs of the same limb (a C6 root and an ankle jerk in one
    clause are two findings, not one wrong pairing)."""
    upper = {"C", "T"}
    return any((root[0] in upper) == (f[0] in upper) for f in fits)


def _root_issue(clause: str, root: str, segments: Sequence[str], allowed: set[str]) -> Issue:
    return Issue(
        "anatomy",
        clause.strip(),
        f"a lesion at {', '.join(segments)} meets the {'/'.join(sorted(allowed))} root here, "
        f"not {root}",
    )


# ---- grading ----------------------------------------------------------------------------------


@cache
def _grading() -> list[
    tuple[str, re.Pattern[str], re.Pattern[str] | None, list[tuple[int, int, re.Pattern[str], str]]]
]:
    out = []
    for score in facts()["grading"]:
        names = "|".join(re.escape(n) for n in sorted(score["names"], key=len, reverse=True))
        required = re.compile(rf"(?<![A-Za-z])(?:{names})(?![A-Za-z])", re.I)
        # the total: "SINS 14", "SINS of 14", "SINS score was 14", "SINS 评分 14 分", "mJOA 13/18"
        heads = score.get("heads") or [
            rf"(?<![A-Za-z])(?:{names})(?![A-Za-z])[^0-9。；;.]{{0,24}}?(\d{{1,2}})(?![\d.])"
        ]
        head = re.compile("|".join(f"(?:{h})" for h in heads), re.IGNORECASE)
        bands = []
        for band in score["bands"]:
            words = sorted([*band.get("en", []), *band.get("zh", [])], key=len, reverse=True)
            pattern = words_pattern(words)
            bands.append((band["min"], band["max"], pattern, words[0]))
        label = (
            f"{score['name']}: {{}}{score['unit']}"
            if score.get("unit")
            else f"{score['name']} {{}}"
        )
        out.append((label, head, required if score.get("requires") else None, bands))
    return out


def grading_issues(text: str) -> list[Issue]:
    """A score's total named with the word of a band it is not in (the nearest band word in
    the same clause, not negated)."""
    # a percentage is a Genant height loss only where Genant is named
    scores = [g for g in _grading() if g[2] is None or g[2].search(text)]
    issues = []
    for _, clause in clauses(text):
        for name, head, _, bands in scores:
            for m in head.finditer(clause):
                total: float = int(next(g for g in m.groups() if g is not None))
                first = next(i for i, g in enumerate(m.groups(), 1) if g is not None)
                before = clause[max(0, m.start(first) - 16) : m.start(first)]
                if _MORE.search(before):  # "more than about 40%": past the band's edge
                    total += 0.5
                elif _LESS.search(before):
                    total -= 0.5
                if _PLUS.match(clause, m.end()):  # "TLICS 2 + 3 + 0 = 5": the sum is the total
                    summed = _SUM.match(clause, m.end())
                    if summed is None:
                        continue
                    total = int(summed.group(1))
                word = _nearest_band(clause, m.start(), m.end(), bands, name)
                if word is None:
                    continue
                lo, hi, said = word
                if not lo <= total <= hi:
                    right = next((w for a, b, _, w in bands if a <= total <= b), None)
                    shown = int(total) if total == int(total) else f"over {int(total)}"
                    issues.append(
                        Issue(
                            "grading",
                            clause.strip(),
                            f"{name.format(shown)} is called {said}, but {lo}-{hi} is that band"
                            + (f"; {shown} is {right}" if right else ""),
                        )
                    )
    return issues


_PLUS = re.compile(r"\s*分?\s*[+＋]")
_SUM = re.compile(r"[^=＝。；;.]{0,40}[=＝]\s*(\d{1,2})")
_MORE = re.compile(
    r"(?:more than|over|above|greater than|exceeding|>|＞|超过|大于|高于|逾)\s*(?:about|around|"
    r"approximately|roughly|约|大约)?\s*$",
    re.IGNORECASE,
)
_LESS = re.compile(
    r"(?:less than|under|below|<|＜|小于|低于|不足)\s*"
    r"(?:about|around|approximately|roughly|约|大约)?\s*$",
    re.IGNORECASE,
)
_SCORE_WORD = re.compile(r"\s*(?:评分|分数|score|neoplastic)", re.IGNORECASE)
_OTHER_SCALE = re.compile(
    r"(?<![A-Za-z])(?:AO|SINS|mJOA|JOA|TLICS|TLISS|SLIC|Bilsky|ESCC|ASIA|AIS|Genant|Meyerding|"
    r"Pfirrmann|Modic|Frankel|OF|Lenke|NOMS)(?![A-Za-z])",
    re.IGNORECASE,
)
_NEGATED_AFTER = re.compile(
    r"\s*(?:is |was |are |would be |will be )?(?:not\b|unnecessary|unlikely|n't|不|无需|无须)",
    re.IGNORECASE,
)


def _nearest_band(
    clause: str,
    start: int,
    end: int,
    bands: list[tuple[int, int, re.Pattern[str], str]],
    name: str = "",
) -> tuple[int, int, str] | None:
    best: tuple[int, int, int, str] | None = None  # distance, lo, hi, word
    for lo, hi, pattern, _ in bands:
        for m in pattern.finditer(clause):
            if _negated(clause, m.start()) or _NEGATED_AFTER.match(clause, m.end()):
                continue
            if _inside_longer(clause, m, bands) or _SCORE_WORD.match(clause, m.end()):
                continue
            after = m.start() >= end
            distance = m.start() - end if after else start - m.end()
            if distance > (40 if after else 20):
                continue
            between = clause[end : m.start()] if after else clause[m.end() : start]
            if any(x.group(0).lower() not in name.lower() for x in _OTHER_SCALE.finditer(between)):
                continue  # the word may be another scale's ("TLICS 5 and AO B2, unstable")
            if best is None or distance < best[0]:
                best = (distance, lo, hi, m.group(0))
    return None if best is None else (best[1], best[2], best[3])


def _inside_longer(
    clause: str, m: re.Match[str], bands: list[tuple[int, int, re.Pattern[str], str]]
) -> bool:
    """``unstable`` inside ``potentially unstable``, 稳定 inside 不稳定: the longer word wins."""
    for _, _, pattern, _ in bands:
        for other in pattern.finditer(clause):
            longer = other.end() - other.start() > m.end() - m.start()
            if longer and other.start() <= m.start() and m.end() <= other.end():
                return True
    return False


# ---- promises ---------------------------------------------------------------------------------

_PROMISE = re.compile(
    r"guarantee[sd]?|promise[sd]?|\b100\s?(?:%|per ?cent)|always works|"
    r"will (?:definitely|certainly|surely|fully|completely|totally|permanently|100%) (?:be )?"
    r"(?:cure|fix|"
    r"resolve|heal|recover|cured|fixed|resolved|healed|get better|go away|regain|return to normal|"
    r"walk)|"
    r"will (?:cure|fix) (?:you|it|this|your|the problem)|"
    r"will (?:recover|heal|get better|be cured|be back to normal|resolve|go away|disappear|"
    r"settle|clear) (?:completely|fully|entirely|totally|for sure|"
    r"100%|without (?:any )?problems?)|"
    r"(?:you|he|she)(?: will|'ll) (?:definitely |certainly )?be (?:completely |totally )?"
    r"(?:pain[- ]free|fine|back to normal|cured|as good as new)|"
    r"will (?:make|have) a (?:full|complete|total) recovery|"
    r"will (?:\w+ )?(?:return|go back|get back|come back) to "
    r"(?:normal|how (?:it|they) (?:was|were))|"
    r"will be (?:completely |totally )?normal again|"
    r"(?:definitely|certainly|surely) (?:recover|get better|be cured|heal|work|succeed)|"
    r"no risks?\b(?! factors?)|zero risk|risk[- ]free|nothing (?:can|will) go wrong|"
    r"(?:will|can) never (?:come back|recur|return|happen again|slip again)|"
    r"(?:cure|fix|resolve)[a-z]* (?:it |this |your \w+ )?(?:permanently|for good|forever)|"
    r"保证|承诺|一定(?:能|会|可以)|肯定(?:能|会|可以)|百分之百|100\s?%|完全(?:康复|恢复|治愈)|"
    r"彻底(?:治愈|康复|恢复|好|根治)|包(?:好|治)|不会(?:再)?复发|零风险|"
    r"没有(?:任何)?风险(?!因素)|绝对(?:安全|没问题|能|会)|打包票|万无一失",
    re.IGNORECASE,
)
# an outcome said of some patients, or as a chance, is not a promise
_HEDGE_BEFORE = re.compile(
    r"(?:\b(?:most|many|some|majority|usually|often|typically|may|might|could|can|likely|chance|"
    r"hope|expected|generally|percent|%)\b|部分|多数|大多|可能|有望|通常|一般|争取|希望|机会)"
    r"[^,;.，；。]{0,40}$",
    re.IGNORECASE,
)
_CN_OUTCOME = re.compile(
    r"康复|恢复|治愈|治好|好转|痊愈|成功|效果|复发|风险|后遗症|正常|不会|没有|一定"
)
_PAST = re.compile(r"(?:已经?|业已|has|had|have)\s*$", re.IGNORECASE)
_OUTCOME = re.compile(r"^(?:will|完全|彻底|you|he|she)", re.IGNORECASE)
_REFUSAL = re.compile(
    r"(?:\b(?:can't|cannot|can not|won't|couldn't|no one can|nobody can|not|never|no|nor|"
    r"unable to|impossible to|doesn't|don't|isn't|wouldn't)\b[^,;.]{0,30}$)"
    r"|(?:不能|无法|不敢|没法|没有|谁也不能|难以|不可能|不会|并不|不)[^，,；。]{0,12}$",
    re.IGNORECASE,
)
_HEDGE_AFTER = re.compile(r"^[^.;。；]{0,20}?(?:is not|isn't|not|不能|无法|并不)", re.IGNORECASE)


def promises(text: str, source: str = "") -> list[Issue]:
    """Clauses that promise an outcome (refusals to promise, outcomes said of most patients or
    as a chance, and the source's own words are left alone)."""
    issues = []
    for _, clause in clauses(text):
        for m in _PROMISE.finditer(clause):
            before = clause[max(0, m.start() - 48) : m.start()]
            if _REFUSAL.search(before) or _HEDGE_AFTER.match(clause[m.end() :]):
                continue
            if _OUTCOME.match(m.group(0)) and _HEDGE_BEFORE.search(before):
                continue
            if _PAST.search(before):
                continue  # what already happened ("肌力已完全恢复") is a fact, not a promise
            if m.group(0).replace(" ", "") in source.replace(" ", ""):
                continue  # the source's own words ("100% sensitivity")
            if m.group(0).lower().startswith("promise") and not _promising(clause, m.start()):
                continue
            if m.group(0) in ("保证", "承诺") and not _CN_OUTCOME.search(
                re.split(r"[，,、]", clause[m.end() : m.end() + 10])[0]
            ):
                continue  # 保证钙的摄入: "make sure of", not a promised outcome
            issues.append(Issue("promise", clause.strip(), f"promises an outcome ({m.group(0)})"))
            break
    return issues


def _promising(clause: str, start: int) -> bool:
    """ "I promise you will walk again" promises; "the promise of surgery" does not."""
    return bool(re.search(r"\b(?:i|we)\s+(?:can\s+)?$", clause[max(0, start - 12) : start], re.I))


# ---- numbers ----------------------------------------------------------------------------------

_DIGITS = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)(?![A-Za-z0-9]|\.\d)")
_AGE = re.compile(r"(\d+)\s*(?:-|\s)?\s*(?:year|yr|岁|周岁|years? old)", re.IGNORECASE)
_EN_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70})
_EN_WORDS.update({"eighty": 80, "ninety": 90, "hundred": 100, "half": 50, "once": 1})
_EN_WORDS.update({"twice": 2, "single": 1, "both": 2, "dozen": 12, "a week": 1, "a year": 1})
_EN_WORDS.update({"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6})
_EN_WORDS.update({"next day": 1, "following day": 1, "day after": 1})
_EN_NUMBER = re.compile(r"\b(" + "|".join(sorted(_EN_WORDS, key=len, reverse=True)) + r")\b", re.I)
_CN_NUMERAL = re.compile(r"[零一二两三四五六七八九十百]+")
# a list's numbering ("1. ...; 2. ..."), not a figure
_ENUMERATOR = re.compile(r"(?:^|\n|[；;：:。，,]\s*|\n\s*)(\d{1,2})[.、)）](?!\d)", re.MULTILINE)
_CN_TENTHS = re.compile(r"([一二两三四五六七八九])成(?:以上|以下|左右|多)?(?![功为立年人])")
_CN_PERCENT = re.compile(r"百分之([零一二两三四五六七八九十百]+)")
_CN_VALUE = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_VALUE.update({"八": 8, "九": 9})
_CN_UNIT = re.compile(
    r"\s*(?:个?月|周|星期|天|日|年|小时|分钟|级|分|度|次|岁|倍|%|型|节|cm|mm|毫米|厘米)"
)


def cn_number(token: str) -> int | None:
    """二十 → 20, 十二 → 12, 两 → 2, 一百 → 100 (None if not a plain numeral)."""
    total, current = 0, 0
    for ch in token:
        if ch in _CN_VALUE:
            current = current * 10 + _CN_VALUE[ch] if current else _CN_VALUE[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _cn_percents(text: str) -> set[str]:
    """Chinese percentages: 百分之八十 → 80, 九成 → 90."""
    found = {str(_CN_VALUE[m.group(1)] * 10) for m in _CN_TENTHS.finditer(text)}
    for m in _CN_PERCENT.finditer(text):
        value = cn_number(m.group(1))
        if value is not None:
            found.add(str(value))
    return found


def _level_free(text: str) -> str:
    """The text with level mentions blanked (their digits are the localizer's to check)."""
    chars = list(text)
    for m in lv.parse(text).mentions:
        chars[m.start : m.end] = " " * (m.end - m.start)
    return "".join(chars)


def _norm(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else str(int(number))


@lru_cache(maxsize=4096)
def numbers(text: str, ages: bool = False) -> frozenset[str]:
    """The figures a generated text states: digits outside level names and MRI weightings, and
    Chinese numerals with a unit (两周, 三个月); ages too only with ``ages``. Cached: a case's
    text and a vignette come back every review round."""
    plain = _level_free(text)
    skip = set() if ages else {m.start(1) for m in _AGE.finditer(plain)}
    skip |= {m.start(1) for m in _ENUMERATOR.finditer(plain)}
    found = {_norm(m.group(1)) for m in _DIGITS.finditer(plain) if m.start(1) not in skip}
    found |= _cn_percents(plain)
    plain = _CN_PERCENT.sub(" ", plain)
    for m in _CN_NUMERAL.finditer(plain):
        if not _CN_UNIT.match(plain, m.end()):
            continue
        value = cn_number(m.group(0))
        # 一 with a unit is mostly idiom (一次, 一段时间), not a figure
        if value is not None and value != 1 and (ages or not plain.startswith("岁", m.end())):
            found.add(str(value))
    return frozenset(found)


@lru_cache(maxsize=256)
def source_numbers(text: str) -> frozenset[str]:
    """Every figure a source states, however written (digits, English words, Chinese)."""
    text = _level_free(text)  # "C5" does not state a 5
    # every digit run not glued to a word's letters: "10^9", "4/5", "4mg" all state figures
    found = {_norm(x) for x in re.findall(r"(?<![A-Za-z])\d+(?:\.\d+)?", text)}
    found |= {str(_EN_WORDS[m.group(1).lower()]) for m in _EN_NUMBER.finditer(text)}
    for m in _CN_NUMERAL.finditer(text):
        value = cn_number(m.group(0))
        if value is not None:
            found.add(str(value))
    found |= {str(_CN_VALUE[m.group(1)] * 10) for m in _CN_TENTHS.finditer(text)}
    return frozenset(found)


# ---- management against the guideline ---------------------------------------------------------


@cache
def _stances() -> list[tuple[dict[str, Any], dict[str, re.Pattern[str] | None]]]:
    return [
        (
            row,
            {
                k: words_pattern(row[k]) if row[k] else None
                for k in ("condition", "qualifier", "unless", "wrong")
            },
        )
        for row in facts()["stances"]
    ]


_SENTENCE = re.compile(r"[^.!?。！？\n]+")


@lru_cache(maxsize=256)
def sentence_words(source: str) -> tuple[frozenset[str], ...]:
    """Each sentence of a source as its tokens (tokenized once per source)."""
    return tuple(frozenset(tokenize(m.group(0))) for m in _SENTENCE.finditer(source))


_ABSENT = re.compile(
    r"(?:\b(?:no|without|absence of|absent|ruled out|excluded?|nor|not|never|denies)\b"
    r"|无|未见|排除|没有|不伴|否认)[^.;，,。；]{0,30}$",
    re.IGNORECASE,
)


def _absent(sentence: str, start: int) -> bool:
    return bool(_ABSENT.search(sentence[max(0, start - 40) : start]))


def stance_issues(text: str) -> list[Issue]:
    """Management a guideline rules out for the condition named (moderate myelopathy sent to
    physiotherapy, suspected cauda equina syndrome booked as routine)."""
    issues = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        for row, pat in _stances():
            condition, qualifier, unless, wrong = (
                pat["condition"],
                pat["qualifier"],
                pat["unless"],
                pat["wrong"],
            )
            if condition is None or wrong is None:
                continue
            named = [c for c in condition.finditer(sentence) if not _absent(sentence, c.start())]
            if not named:
                continue  # "no cauda equina syndrome": the condition is ruled out
            if qualifier is not None and not qualifier.search(sentence):
                continue
            if unless is not None and unless.search(sentence):
                continue
            offered = [w for w in wrong.finditer(sentence) if not _negated(sentence, w.start())]
            if offered:
                issues.append(
                    Issue(
                        "consistent",
                        sentence.strip(),
                        f"{row['name']} ({offered[0].group(0)}): {row['right']}",
                    )
                )
    return issues


# what a guideline says not to do: the words after the cue, to the end of the clause
_AGAINST = re.compile(
    r"(?:\b(?:do not|don't|should not|must not|never|avoid(?:ing)?|not (?:be )?"
    r"(?:offered|recommended|advised|used|routinely)|(?:advises?|advised|recommends?|"
    r"recommended|argues?) against|against the (?:routine )?use of|no longer|no routine)\b"
    r"|no (?:good |convincing )?evidence (?:for|that|to support)|not supported by evidence"
    r"|不推荐|不建议|不应|避免|不宜|不主张|禁用|禁止)"
    r"(?P<what>[^.;:!?。；：！？\n]{4,200})"
    # what lacks evidence is named before the words that say so: "常规加做融合缺乏证据支持"
    r"|(?P<before>[^.;:!?。；：！？，,\n]{4,60}?)(?:缺乏证据|证据不足|没有证据支持|"
    r"lacks? (?:supporting )?evidence|has no (?:supporting )?evidence)",
    re.IGNORECASE,
)
_OFFER = re.compile(
    r"\b(?:offer|recommend|prescribe|start|give|use|try|consider|order|arrange|schedule|repeat"
    r"|obtain|should (?:have|receive|get|take)"
    r"|is (?:recommended|indicated|appropriate|advised)|first[- ]line|routine(?:ly)?)\b"
    r"|建议|推荐|应(?:当|该)?(?:给予|使用|采用|行|进行)|首选|给予|采用|可(?:以)?(?:使用|采用|行)|常规",
    re.IGNORECASE,
)
_FILLER = frozenset(
    "offer offered recommend recommended use used people patient patients with for who have "
    "has any other routinely routine treatment treatments manage managing management".split()
)


def _content(text: str) -> set[str]:
    return {t for t in tokenize(text) if t not in _FILLER and not t.startswith("§")}


@lru_cache(maxsize=256)
def prohibitions(source: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """What the source says not to do: (its words, the tokens that name it). A token common in
    the source (back, pain) names the topic, not the thing advised against, and is left out."""
    sentences = sentence_words(source)
    frequency: dict[str, int] = {}
    for words in sentences:
        for w in words:
            frequency[w] = frequency.get(w, 0) + 1
    common = max(3, len(sentences) // 25)
    found = []
    for m in _AGAINST.finditer(source):
        what = m.group("what") or m.group("before")
        named = frozenset(
            w
            for w in _content(what)
            if frequency.get(w, 0) <= common and (len(w) >= 4 if w.isascii() else len(w) == 2)
        )
        if named:
            found.append((" ".join(what.split()), named))
    return tuple(found)


def against_source(text: str, source: str) -> list[Issue]:
    """Clauses that offer what the source says not to do (a word that names it, an offering
    verb, no negation, no word against it)."""
    banned = prohibitions(source)
    if not banned:
        return []
    issues = []
    for _, clause in clauses(text):
        offer = _OFFER.search(clause)
        if offer is None or _negated(clause, offer.start()) or _AGAINST.search(clause):
            continue
        words = set(tokenize(clause))
        for what, named in banned:
            hit = sorted(named & words)
            # a long English word names a drug or a device (acupuncture, gabapentinoid); short
            # ones and Chinese bigrams need company (手术 alone is every operation)
            if any(w.isascii() and len(w) >= 8 for w in hit) or (
                len(hit) >= 2 and 2 * len(hit) >= len(named)
            ):
                issues.append(
                    Issue(
                        "consistent",
                        clause.strip(),
                        f"offers {', '.join(hit[:3])}, which the source advises against "
                        f"({what[:80]})",
                    )
                )
                break
    return issues


# ---- percentages ------------------------------------------------------------------------------

_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent|percent)"
    r"|(\d+(?:\.\d+)?)\s*(?:[-–~至到]|to)\s*(\d+(?:\.\d+)?)\s*(?:%|per ?cent|percent)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def percents(text: str) -> frozenset[str]:
    """The figures a text states as percentages ("5-10%", "80 per cent", 百分之八十, 九成)."""
    found = {_norm(g) for m in _PERCENT.finditer(text) for g in m.groups() if g is not None}
    return frozenset(found | _cn_percents(text))


@lru_cache(maxsize=256)
def source_percents(text: str) -> frozenset[str]:
    """The percentages a source states (a half is 50)."""
    found = set(percents(text))
    if re.search(r"\bhalf\b|一半|半数", text, re.IGNORECASE):
        found.add("50")
    return frozenset(found)
