"""The option letter a model's MCQ response names: strict pattern first, flexible second.

A response that neither pattern reads is a miss (scored wrong, its rate reported). There is no
random or "closest option" fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Extraction", "extract"]

Method = Literal["strict", "flexible"]

#: What the prompt asks for: a final line "Answer: X" (答案：X), or only the letter.
_STRICT_LINE = re.compile(
    r"^[ \t>*_#]*(?i:final\s+)?(?i:answer|答案)[ \t*_]*[:：][ \t*_]*\(?([A-E])\)?[ \t*_.。]*$",
    re.MULTILINE,
)
_BARE = re.compile(r"^\s*[(\[]?([A-E])[)\]]?[.。]?\s*$")
#: Looser forms, each a single letter in a clear answer position.
_FLEXIBLE = (
    re.compile(r"(?i:answer|option|choice)\s*(?i:is|would be|:|：)?\s*\(?\**([A-E])\b"),
    re.compile(
        r"(?:答案|正确答案|选项|应选|选择|选)\s*(?:是|为|：|:)?\s*\(?\**([A-E])(?![A-Za-z])"
    ),
    re.compile(r"^\s*\**\(?([A-E])[).:：、]\s", re.MULTILINE),
    re.compile(r"\*\*\(?([A-E])\)?\*\*"),
)


@dataclass(frozen=True)
class Extraction:
    """The letter read from a response (``None``: a miss) and which pattern read it."""

    letter: str | None
    method: Method | None


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .。")


def extract(response: str, options: dict[str, str]) -> Extraction:
    """Read the chosen option letter of ``response`` among ``options``' letters.

    Strict: the last "Answer: X" line, or a reply that is only the letter. Flexible: one
    distinct letter in answer-like positions ("the answer is X", "选C", "**X**", "X) ..."), or a
    reply that is exactly one option's text. Several distinct letters are a miss.
    """
    letters = set(options)
    strict = [m for m in _STRICT_LINE.findall(response) if m in letters]
    if strict:
        return Extraction(strict[-1], "strict")
    bare = _BARE.match(response)
    if bare and bare.group(1) in letters:
        return Extraction(bare.group(1), "strict")
    found = {m for pattern in _FLEXIBLE for m in pattern.findall(response)} & letters
    if len(found) == 1:
        return Extraction(found.pop(), "flexible")
    if not found:
        text = _norm(response)
        same = [letter for letter, option in options.items() if _norm(option) == text]
        if len(same) == 1:
            return Extraction(same[0], "flexible")
    return Extraction(None, None)
