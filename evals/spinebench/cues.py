"""Answer-form cues of an MCQ set: what a test-taker who knows no spine medicine would score.

A set measures knowledge only if the key cannot be found from the options' form. Per language
and modality this computes:

- ``longest``: the expected accuracy of always choosing the longest option (ties broken at
  random, so a tie of k options containing the key counts 1/k); ``shortest`` likewise;
- ``chance``: the mean of 1/(number of options);
- ``letters``: how many keys each letter carries;
- ``order_breaks``: items whose options are ordered quantities (levels, roots, grades, scores)
  listed in order except the key, so the one option out of order gives it away.

Length is counted in characters without whitespace, so it is comparable for English and Chinese.

    python -m evals.spinebench cues [--data DIR] [--limit 0.3]

exits 1 when a group's longest- or shortest-option score is above the limit, or one letter
carries more than ``LETTER_SHARE`` of a group's keys, or a letter that every item of a group
offers carries less than ``LETTER_MIN`` of them, or an item's key alone breaks the order of its
options.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .items import McqItem

__all__ = ["CUE_LIMIT", "LETTER_MIN", "LETTER_SHARE", "GroupCues", "form_cues", "problems"]

#: the most a strategy that reads only option length may score, per language and modality
CUE_LIMIT = 0.3
#: the most of a group's keys one letter may carry
LETTER_SHARE = 0.3
#: the least of a group's keys a letter offered by every item of the group may carry
LETTER_MIN = 0.15


#: a level, root or number at the start of an option ("L4-L5", "C7 root", "Grade 2", "13; …")
_ORDERED = re.compile(r"\s*(?:Grade\s+)?([CTLS])?(\d+)")


def _order_key(text: str) -> tuple[int, int] | None:
    match = _ORDERED.match(text)
    if match is None:
        return None
    region, number = match.groups()
    return ("CTLS".index(region) if region else -1, int(number))


def _breaks_order(item: McqItem) -> bool:
    """The distractors are in ascending order and the key alone is out of it."""
    keys = [_order_key(text) for text in item.options.values()]
    if None in keys or len(set(keys)) < len(keys):
        return False
    others = [k for letter, k in zip(item.options, keys, strict=True) if letter != item.answer]
    return others == sorted(others) and keys != sorted(keys)  # type: ignore[type-var]


def _length(text: str) -> int:
    return len("".join(text.split()))


def _pick_score(item: McqItem, longest: bool) -> float:
    lengths = {letter: _length(text) for letter, text in item.options.items()}
    target = max(lengths.values()) if longest else min(lengths.values())
    tied = sum(v == target for v in lengths.values())
    return 1.0 / tied if lengths[item.answer] == target else 0.0


@dataclass(frozen=True)
class GroupCues:
    """The form cues of one language and modality."""

    lang: str
    modality: str
    items: int
    chance: float
    longest: float
    shortest: float
    letters: dict[str, int]
    #: the letters every item of the group offers (A-D when no item has fewer than four)
    common: str
    #: ids of the items whose key alone breaks the order of their options
    order_breaks: tuple[str, ...]

    @property
    def top_letter_share(self) -> float:
        return max(self.letters.values()) / self.items

    @property
    def least_common_share(self) -> float:
        return min(self.letters.get(x, 0) for x in self.common) / self.items


def form_cues(items: Iterable[McqItem]) -> list[GroupCues]:
    """One :class:`GroupCues` per (language, modality), in sorted order."""
    groups: dict[tuple[str, str], list[McqItem]] = {}
    for item in items:
        groups.setdefault((item.lang, item.modality), []).append(item)
    out = []
    for (lang, modality), group in sorted(groups.items()):
        n = len(group)
        out.append(
            GroupCues(
                lang=lang,
                modality=modality,
                items=n,
                chance=sum(1 / len(i.options) for i in group) / n,
                longest=sum(_pick_score(i, True) for i in group) / n,
                shortest=sum(_pick_score(i, False) for i in group) / n,
                letters=dict(sorted(Counter(i.answer for i in group).items())),
                common="".join(sorted(set.intersection(*(set(i.options) for i in group)))),
                order_breaks=tuple(i.id for i in group if _breaks_order(i)),
            )
        )
    return out


def problems(cues: Iterable[GroupCues], limit: float = CUE_LIMIT) -> list[str]:
    """One line per group and cue over its limit (empty when the set passes)."""
    out = []
    for g in cues:
        name = f"{g.lang} {g.modality}"
        for what, value in (("longest", g.longest), ("shortest", g.shortest)):
            if value > limit:
                out.append(f"{name}: choosing the {what} option scores {value:.2f} (> {limit})")
        if g.top_letter_share > LETTER_SHARE:
            share = g.top_letter_share
            out.append(f"{name}: one letter carries {share:.2f} of the keys {g.letters}")
        if g.common and g.least_common_share < LETTER_MIN:
            out.append(
                f"{name}: a letter carries only {g.least_common_share:.2f} of the keys {g.letters}"
            )
        if g.order_breaks:
            out.append(
                f"{name}: the key alone breaks the options' order in {', '.join(g.order_breaks)}"
            )
    return out
