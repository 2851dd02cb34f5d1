"""Lexical tokens shared by BM25 retrieval and the reviewer's evidence-support check.

English words are lower-cased with light plural folding and a few stop words dropped; Chinese
runs give unigrams and bigrams (no word segmenter needed); every canonical vertebral level adds
one ``§LEVEL`` token, so "L4/5", "L4-5" and "第4、5腰椎间" all match L4-L5.
"""

from __future__ import annotations

import re

from tools import levels as lv

__all__ = ["language_of", "letter_counts", "tokenize"]

_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_STOP = frozenset(
    "a an and are as at be by does for from how in into is it its of on or that the this to "
    "was what when where which who why with".split()
)


def tokenize(text: str) -> list[str]:
    """BM25 tokens: lower-case words (light plural folding), CJK unigrams + bigrams, and one
    ``§LEVEL`` token per canonical level, so "L4/5", "L4-5" and "第4、5腰椎间" all match L4-L5."""
    lower = text.lower()
    tokens = []
    for word in _WORD.findall(lower):
        if word in _STOP:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        tokens.append(word)
    for run in _CJK_RUN.findall(text):
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(f"§{level}" for level in lv.find_levels(text))
    return tokens


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def letter_counts(text: str) -> tuple[int, int]:
    """How many Chinese characters and how many Latin letters ``text`` holds."""
    return len(_CJK_CHAR.findall(text)), len(_LATIN.findall(text))


def language_of(text: str) -> str:
    """``"zh"`` when a fifth or more of the letters are Chinese characters, else ``"en"``."""
    cjk, latin = letter_counts(text)
    # one Chinese character carries about as much as a short English word
    return "zh" if cjk and cjk * 3 >= (cjk * 3 + latin) * 0.2 else "en"
