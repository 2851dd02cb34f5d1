"""Deterministic red-flag triage of a spine consultation (English and Simplified Chinese).

``assess`` finds red flags (cauda equina, neurological deficit, infection, malignancy, trauma,
myelopathy) with regular expressions kept as data tables, drops the mentions that are negated,
hypothetical, asked about or about a relative, applies the combination rules and returns the level
with its reasons. No model call and no network: the same text always gives the same answer, in
well under a millisecond for a long message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.localizer import user_texts
from agents.triage_rules import FRAGMENTS as _FRAGMENTS
from agents.triage_rules import RULES as _RULES

__all__ = ["LABELS", "TRIAGE_VERSION", "RedFlag", "Triage", "TriageLevel", "assess", "triage"]

TriageLevel = Literal["emergency", "urgent", "routine"]
TRIAGE_VERSION = "2"
_RANK = {"routine": 0, "urgent": 1, "emergency": 2}

# code: category, level alone, English label, Chinese label
_CODES: dict[str, tuple[str, TriageLevel, str, str]] = {
    "saddle_anaesthesia": ("cauda_equina", "emergency", "saddle anaesthesia", "鞍区麻木"),
    "sphincter_dysfunction": ("cauda_equina", "emergency", "bladder or bowel dysfunction",
                              "大小便功能障碍"),
    "bilateral_sciatica": ("cauda_equina", "urgent", "bilateral sciatica", "双侧坐骨神经痛"),
    "progressive_deficit": ("neurological_deficit", "emergency", "progressive neurological deficit",
                            "进行性神经功能障碍"),
    "motor_deficit": ("neurological_deficit", "urgent", "limb weakness", "肢体无力"),
    "fever": ("infection", "urgent", "fever", "发热"),
    "iv_drug_use": ("infection", "urgent", "injecting drug use", "静脉吸毒"),
    "immunosuppression": ("infection", "urgent", "immunosuppression", "免疫抑制"),
    "cancer_history": ("malignancy", "urgent", "history of cancer", "肿瘤病史"),
    "weight_loss": ("malignancy", "urgent", "unexplained weight loss", "不明原因体重下降"),
    "night_pain": ("malignancy", "urgent", "night or rest pain", "夜间痛或静息痛"),
    "major_trauma": ("trauma", "urgent", "major trauma", "严重外伤"),
    "minor_trauma_fragility": ("trauma", "urgent", "minor trauma with fragile bones",
                               "骨质脆弱者轻微外伤"),
    "myelopathy": ("myelopathy", "urgent", "signs of myelopathy", "脊髓病表现"),
}  # fmt: skip
LABELS: dict[str, dict[str, str]] = {c: {"en": v[2], "zh": v[3]} for c, v in _CODES.items()}
_LEVEL_ZH = {"emergency": "急诊", "urgent": "尽快就诊", "routine": "常规"}

# A flag of the first group with one of the second is an emergency, and every flag involved is
# raised so the reasons say why: epidural abscess, metastatic cord compression, cord injury,
# cauda equina.
_DEFICIT = frozenset({"motor_deficit", "progressive_deficit"})
_COMBINATIONS = (
    (frozenset({"fever", "iv_drug_use", "immunosuppression"}), _DEFICIT),
    (frozenset({"cancer_history"}), _DEFICIT | {"myelopathy"}),
    (frozenset({"major_trauma"}), _DEFICIT | {"myelopathy", "saddle_anaesthesia",
                                              "sphincter_dysfunction"}),
    (frozenset({"bilateral_sciatica"}), frozenset({"sphincter_dysfunction", "saddle_anaesthesia"})),
)  # fmt: skip


_CJK = re.compile(r"[\u3400-\u9fff]")
_GAP_EN = (  # a few words, checked at word starts only, which keeps the scan cheap
    r"[^\s,.;!?]*(?:[ \t]+(?!(?:but|however|not|no|never|without|except|although|though|nor)"
    r"(?![a-z]))[^\s,.;!?]+){0,6}?[ \t]+"
)
_GAP_STRICT = _GAP_EN.replace("nor)", "nor|pain\\w*|ach\\w*|hurt\\w*)")  # "‥": not past pain
_GAP_ZH = r"(?:(?![没无不未否但])[^,.;!?\n]){0,8}?"
_WORD = r"(?<![a-z])"


def _lines(table: str) -> list[str]:
    """A table's alternatives; an indented line continues the line above, without its indent."""
    lines: list[str] = []
    for line in table.strip("\n").splitlines():
        if line[:1].isspace():
            lines[-1] += line.strip()
        elif line:
            lines.append(line)
    for _ in range(2):  # a fragment may use another
        for name, fragment in _FRAGMENTS.items():
            lines = [line.replace(name, fragment) for line in lines]
    # Patients often drop the apostrophe ("cant", "dont").
    return [
        line.replace("…", _GAP_ZH if _CJK.search(line) else _GAP_EN)
        .replace("‥", _GAP_STRICT)
        .replace("'", "'?")
        for line in lines
    ]


def _compile(table: str) -> re.Pattern[str]:
    """One regex; the word-start look-behind of English lines is tested once, not per line."""
    lines = _lines(table)
    words = [line.removeprefix(_WORD) for line in lines if line.startswith(_WORD)]
    rest = [line for line in lines if not line.startswith(_WORD)]
    return re.compile(
        "|".join(([f"{_WORD}(?:{'|'.join(words)})"] if words else []) + rest) or "(?!)"
    )


def _split(table: str) -> tuple[str, str]:
    """A table's English and Chinese alternatives, each joined into one pattern."""
    lines = _lines(table)
    english = "|".join(line for line in lines if not _CJK.search(line)) or "(?!)"
    return english, "|".join(line for line in lines if _CJK.search(line)) or "(?!)"


# English alternatives start with a character class, not a look-behind, so that `re` can skip
# to word starts quickly; they run on the text padded with one space (see assess).
_COMPILED = [
    (
        code,
        re.compile(rf"[^a-z](?:{english})(?![a-z])"),
        re.compile(chinese),
        _compile(unless),
    )
    for code, table, unless in _RULES
    for english, chinese in [_split(table)]
]

# Full-width ASCII and CJK punctuation fold to ASCII and letters to lower case, one character for
# one, so folded offsets are offsets as written; lower-case text matched case-sensitively is about
# three times faster in `re` than re.IGNORECASE.
_FOLD = (
    {i: i + 32 for i in range(65, 91)}
    | {0xFF01 + i: ord(chr(0x21 + i).lower()) for i in range(94)}
    | {0x3002: ".", 0xFF61: ".", 0x3000: " ", 0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}
)
_LATIN_RUN = re.compile(r"[^\u3400-\u9fff]*[a-z]{2}[^\u3400-\u9fff]*")
_HARD = re.compile(r"[;!?\n]|\.(?!\d)")
_PRON = r"(?:i|i'm|i've|i'd|my|it|it's|now|there|he|she|they|we)(?![a-z\x27])"
_BOUND = _compile(rf"""
(?P<comma>,)
(?<![a-z])(?:but|however|although|though|except|apart from|other than|aside from|whereas)(?![a-z])
(?<![a-z])(?:and|or|so|because|since|then)(?= {_PRON})
但是|但|不过|可是|然而|却|只是|而且|并且|另外|现在|最近
""")
_NEG = _compile(r"""
(?<![a-z])(?:no|not|never|without|den(?:y|ies|ied|ying)|negative for|free (?:of|from))(?![a-z])
(?<![a-z])(?:absence of|none|neither|nor|ruled out|rules out|excluded)(?![a-z])
(?<![a-z])(?:don|doesn|didn|haven|hasn|hadn|isn|aren|wasn|weren)'t(?![a-z])
没有|没|否认|未见|未|并无|无(?!力|法|缘|故|论|聊|奈|意)|不(?=[发麻疼痛烧]|伴|存在|是|曾)
""")
_PSEUDO = _compile(r"""
(?<![a-z])(?:no longer|not only|not just|no (?:relief|improvement|better|matter|doubt|position))
(?<![a-z])(?:no idea (?:why|what|how)|no (?:obvious |apparent |clear |known )?(?:reason|cause))
(?<![a-z])not (?:getting |been getting )?better|(?<![a-z])never (?:lets up|eases|goes away|stops)
(?<![a-z])not (?:improv|eas|settl|go(?:ing)? away|stop|help|sure|trying|dieting|reliev)\w*
(?<![a-z])(?:doesn't|don't|didn't|won't|hasn't|haven't) (?:help|go away|ease|improve|settle)\w*
(?<![a-z])(?:doesn't|don't|didn't|won't|hasn't|haven't) (?:stop|let up|get better|know why|tried)
(?<![a-z])without (?:any )?(?:reason|cause|trying|dieting|meaning)
无(?:明显)?(?:诱因|原因)|没有?(?:明显)?(?:诱因|原因)|无缘无故|没有?(?:好转|缓解|改善|减轻)
不(?:见)?(?:好转|缓解|减轻)|无(?:好转|缓解|改善)|无法缓解|没多久
""")
_HYP = _compile(r"""
(?<![a-z])(?:what if|(?<!as )(?<!even )if|in case|unless|whether|suppos\w*|imagine)(?![a-z])
(?<![a-z])should i (?:be )?(?:worr|concern|look out|watch|expect)\w*|(?:do|does) i need to worry
(?<![a-z])(?:could (?:it|this|that) be|is it possible|what happens (?:if|when)|in the future)
(?<![a-z])(?:will|would|could|might|may) i (?:get|develop|end up|become|lose|need|have)(?![a-z])
(?<![a-z])(?:might|may|could|will|would) (?:get|develop|cause|lead to|end up|become|happen)
(?<![a-z])(?:worried|scared|afraid|frightened|terrified|concerned|fear\w*|anxious) (?:about |
    of )?(?:getting|developing|becoming|ending up|going to)
(?<![a-z])(?:worried|scared|afraid|frightened|terrified) (?:that )?(?:it|
    this)(?:'s| is| could| might| may| will)
(?<![a-z])(?:risk of|chances? of|(?:watch|look) (?:out )?for|warning signs?|red flags?|rule out)
(?<![a-z])(?:how (?:do|would|will|can) i (?:know|tell)|what are the (?:signs|symptoms))
如果|万一|假如|假设|要是|若是|倘若|会不会|是否|会否|可能会|担心(?:会|是|出现|得)|害怕(?:会|是|出现)
怕(?:会|是|出现)|以防|预防|警惕|注意(?:观察|有无)|有没有可能|是不是|以后会|将来
""")
_QUESTION = _compile(r"""
\?|(?:吗|么)(?=\s*(?:[,.;!\n]|$))|怎么办|的话
""")
# A question that asserts the symptom ("why can't I feel when I wipe?") still counts.
_ASSERTS = _compile(r"""
(?<![a-z])(?:why|how come|i've|i'm)(?![a-z])
(?<![a-z])i (?:have|am|can't|cannot|keep|lost|noticed|started|now|still)(?![a-z])
为什么|怎么会|我(?:已经|现在|最近|一直|出现了?|有)
""")
_MY = re.compile(r"(?<![a-z])my(?![a-z])")
# A mention that starts with its own negative ("can't feel", "无法行走") is not negated again.
_SELF_NEG = _compile(r"""
(?:can't|cannot|can not|couldn't|could not|unable|not|no|don't|didn't|haven't|have not)(?![a-z])
(?:hasn't|has not|without)(?![a-z])|无法|不能|没法|感觉不到
""")
_POST_NEG = _compile(r"""
\s*(?:(?:is|are|was|were|has been|have been|seems?|feels?|remains?|all|both|completely|
    now)\s+)*(?:normal|fine|ok|okay|unaffected|absent|negative|denied|not present|intact|ruled out|
    excluded|resolved|gone)(?![a-z])
\s*[:=-]\s*(?:no|none|nil|negative|absent|denied)(?![a-z])
\s*:?\s*(?:均|都|也|亦)?(?:已经?)?(?:正常|阴性|消失|退了|好了)|\s*:\s*(?:无|没有|否认|未见)
""")
# The last person named before a cancer says whose it is.
_KIN = _compile(r"""
(?<![a-z])(?P<kin>mother|mum|mom|mummy|mommy|father|dad|daddy|parents?|brothers?|sisters?|
    siblings?)(?![a-z])
(?<![a-z])(?P<kin2>grand\w+|gran|granny|nan|nana|aunt\w*|uncles?|cousins?|sons?|daughters?|
    wife)(?![a-z])
(?<![a-z])(?P<kin3>husband|partner|friends?|relatives?|family|niece|nephew)(?![a-z])
(?<![a-z])(?:i'm|i've|i'd|me|myself|i)(?![a-z\x27])
(?P<kin_zh>妈妈|母亲|妈|父亲|爸爸|爸|爷爷|奶奶|外公|外婆|姥姥|姥爷|祖父|祖母|哥哥|姐姐|弟弟|妹妹)
(?P<kin_zh2>兄弟|姐妹|儿子|女儿|丈夫|妻子|老公|老婆|爱人|亲戚|家人|家里人|家族|舅舅|叔叔|阿姨|姑姑)
我(?!妈|爸|母|父|家|奶|爷|外|姥|哥|姐|弟|妹|儿|女|老|丈|妻|爱|亲|舅|叔|阿|姑)|本人|自己
""")
_KIN_ANY = re.compile(r"runs in (?:the|my|our) family|family history|hereditary|家族史|遗传")
# An age is a number with "years old" / "岁" after it, or "I'm" / "aged" / "in my" before it.
_AGE = re.compile(r"(?<!\d)(?:\d{2,3}|[七八九]十)(?!\d|\.\d)")
_AGE_AFTER = re.compile(
    r"\s*(?:-?\s*(?:years?|yrs?|y)[- ]?old|yo(?![a-z])|y/o|s(?![a-z])|多?周?岁)"
)
_AGE_BEFORE = re.compile(r"(?:i'?m|i am|aged?|age:?|(?:patient|he|she) is|in (?:my|her|his))\s*$")
_AGE_UNIT = re.compile(r"\s*(?:kg|kilo|lb|cm|mm|%|days?|weeks?|months?|years? ago|times)")
_STARTERS = frozenset(
    "i i'm im i've ive my it it's its he she they we this that there now then also so the since "
    "because which who when while just only still recently yesterday today lately".split()
)
_VERBS = frozenset(
    "is are am was were be been have has had feel feels felt get gets got getting keep keeps kept "
    "can can't cant cannot could couldn't will would started starts began became seem seems went "
    "goes going do does did woke wakes developed noticed came comes lost hurts".split()
)


class RedFlag(BaseModel):
    """One red flag found in the text."""

    code: str = Field(description="red-flag code, a key of LABELS")
    category: str = Field(description="cauda_equina, neurological_deficit, infection, ...")
    level: TriageLevel = Field(description="level this flag implies, combinations included")
    evidence: str = Field(description="the words that triggered it, as written")
    start: int = Field(description="character offset of the evidence in the assessed text")
    end: int = Field(description="end offset of the evidence in the assessed text")


class Triage(BaseModel):
    """The triage of a text: overall level and the red flags behind it."""

    level: TriageLevel = Field(description="highest level among the reasons; routine if none")
    reasons: list[RedFlag] = Field(
        default_factory=list, description="red flags, emergency first, then by position"
    )
    version: str = Field(TRIAGE_VERSION, description="rule-set version (TRIAGE_VERSION)")

    def summary(self, lang: str = "en") -> str:
        """One line: the level and the reasons' labels, in English or Chinese ("zh...")."""
        key = "zh" if lang.lower().startswith("zh") else "en"
        labels = list(dict.fromkeys(LABELS[r.code][key] for r in self.reasons))
        if key == "zh":
            return f"{_LEVEL_ZH[self.level]}：" + ("；".join(labels) or "未发现红旗征")
        return f"{self.level}: " + ("; ".join(labels) or "no red flags")


class _Context:
    """Clause boundaries and the spans where mentions are negated, hypothetical or asked about.

    No scope crosses a sentence end, so only the sentences with a mention are read, and each
    keeps its own boundaries and scopes (the work stays linear in the length of the text).
    """

    def __init__(self, text: str, triggers: list[tuple[int, int]]) -> None:
        self.text = text
        self.hard = [m.start() for m in _HARD.finditer(text)]
        covered = bytearray(len(text) + 1)  # a cue inside a mention or a pseudo-negation is none
        for s, e in triggers:
            covered[s:e] = b"\1" * (e - s)
        self.bounds: dict[int, list[tuple[int, int, str]]] = {}
        self.scopes: dict[int, tuple[list[tuple[int, int]], ...]] = {}
        for a, b in sorted({self.sentence(s) for s, _ in triggers}):
            self.bounds[a] = [
                *((m.start(), m.end(), m.lastgroup or "") for m in _BOUND.finditer(text, a, b)),
                (b - 1, b, "hard") if _HARD.match(text, b - 1) else (b, b, "hard"),
            ]
            for m in _PSEUDO.finditer(text, a, b):
                covered[m.start() : m.end()] = b"\1" * (m.end() - m.start())
            negated = [
                (m.end(), self.scope_end(m.end()))
                for m in _NEG.finditer(text, a, b)
                if not covered[m.start()]
            ]
            hypothetical = [(m.start(), self.scope_end(m.end())) for m in _HYP.finditer(text, a, b)]
            questions = [self.clause(m.start()) for m in _QUESTION.finditer(text, a, b)]
            self.scopes[a] = (negated, hypothetical, questions)

    def sentence(self, pos: int) -> tuple[int, int]:
        """Start and end (after its final mark) of the sentence around ``pos``."""
        lo, hi = 0, len(self.hard)
        while lo < hi:  # binary search for the first mark at or after pos
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if self.hard[mid] < pos else (lo, mid)
        start = self.hard[lo - 1] + 1 if lo else 0
        return start, self.hard[lo] + 1 if lo < len(self.hard) else len(self.text)

    def clause(self, pos: int) -> tuple[int, int]:
        """Start and end of the clause around ``pos``."""
        start = self.sentence(pos)[0]
        for s, e, _ in self.bounds[start]:
            if s >= pos:
                return start, s
            start = max(start, e) if e <= pos else start
        return start, len(self.text)

    def scope_end(self, pos: int) -> int:
        """Where a cue ending at ``pos`` stops: the clause end, but a comma list goes on."""
        for s, _, kind in self.bounds[self.sentence(pos)[0]]:
            if s >= pos and (kind != "comma" or not self._list_item(s + 1)):
                return s
        return len(self.text)

    def _list_item(self, pos: int) -> bool:
        """Whether the clause after a comma continues a list ("no fever, chills or ...")."""
        chunk = self.text[pos : self.clause(pos)[1]].strip()
        if _CJK.search(chunk):
            return chunk.startswith(("或", "及", "以及", "和"))
        words = re.findall(r"[a-z']+", chunk)
        return 0 < len(words) <= 6 and words[0] not in _STARTERS and not _VERBS.intersection(words)

    def accepts(self, code: str, start: int, end: int, unless: re.Pattern[str]) -> bool:
        """Whether a mention is the patient's own, present, affirmed symptom or history."""
        text = self.text
        sentence = self.sentence(start)
        negated, hypothetical, questions = self.scopes[sentence[0]]
        if any(s <= start < e for s, e in hypothetical):
            return False
        for s, e in questions:
            if s <= start < e and not (
                _MY.search(text, max(s, start - 4), end) or _ASSERTS.search(text, s, e)
            ):
                return False
        if not _SELF_NEG.match(text, start, end) and any(cue <= start < e for cue, e in negated):
            return False
        if _POST_NEG.match(text, end, self.clause(end)[1]):
            return False
        if unless.search(text, *sentence):
            return False
        if code in ("cancer_history", "_fragility"):  # the patient's history, not a relative's
            if _KIN_ANY.search(text, *sentence):
                return False
            if code == "_fragility":  # "my mum, 78, has osteoporosis and fell": she is the patient
                return True
            people = list(_KIN.finditer(text, sentence[0], start))
            if people and any(k.startswith("kin") for k, v in people[-1].groupdict().items() if v):
                return False
        return True


def _age_70_plus(text: str) -> bool:
    """Whether the text gives an age of 70 or more ("I'm 78", "82-year-old", "七十多岁")."""
    for m in _AGE.finditer(text):
        value = int(m.group()) if m.group().isdigit() else 10 * " 七八九".index(m.group()[0]) + 60
        after = _AGE_AFTER.match(text, m.end())
        before = _AGE_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if value >= 70 and (after or before and not _AGE_UNIT.match(text, m.end())):
            return True
    return False


def assess(text: str) -> Triage:
    """Triage a text (one message or a whole conversation's user turns).

    Args:
        text: the words to assess; offsets in the result refer to this string.

    Returns:
        The level and its reasons; routine with no reasons when no red flag is found.
    """
    norm = text.translate(_FOLD)
    padded = " " + norm  # padded[i + 1] == norm[i]; an English match includes the char before
    # English rules read only the stretches without Chinese ("MRI L4/5" in a Chinese message).
    spans = [m.span() for m in _LATIN_RUN.finditer(norm)]
    has_zh = bool(_CJK.search(norm))
    raw: list[tuple[str, int, int, re.Pattern[str]]] = []
    for code, en, zh, unless in _COMPILED:
        for start, end in spans:
            raw += [
                (code, m.start(), m.end() - 1, unless) for m in en.finditer(padded, start, end + 1)
            ]
        if has_zh:
            raw += [(code, m.start(), m.end(), unless) for m in zh.finditer(norm)]
    if not raw:
        return Triage(level="routine")
    context = _Context(norm, [(s, e) for _, s, e, _ in raw])
    found: dict[str, tuple[int, int]] = {}
    for code, start, end, unless in sorted(raw, key=lambda r: (r[1], -r[2])):
        if code not in found and context.accepts(code, start, end, unless):
            found[code] = (start, end)
    minor = found.pop("_minor_trauma", None)
    fragile = found.pop("_fragility", None) or (minor and _age_70_plus(norm))
    major = found.get("major_trauma")
    if minor and fragile and not (major and major[0] < minor[1] and minor[0] < major[1]):
        found["minor_trauma_fragility"] = minor
    levels: dict[str, TriageLevel] = {code: _CODES[code][1] for code in found}
    for first, second in _COMBINATIONS:
        if first & found.keys() and second & found.keys():
            levels.update((code, "emergency") for code in (first | second) & found.keys())
    reasons = [
        RedFlag(code=c, category=_CODES[c][0], level=levels[c], evidence=text[s:e], start=s, end=e)
        for c, (s, e) in found.items()
    ]
    reasons.sort(key=lambda r: (-_RANK[r.level], r.start, r.end))
    level: TriageLevel = max((r.level for r in reasons), key=_RANK.__getitem__, default="routine")
    return Triage(level=level, reasons=reasons)


async def triage(state: Mapping[str, Any]) -> dict[str, Any]:
    """Assess every user turn so far (a red flag said earlier still counts).

    Args:
        state: graph state with ``messages`` (LangChain messages or role/content dicts).

    Returns:
        ``{"triage": Triage}`` for the user turns joined with newlines (offsets refer to that).
    """
    return {"triage": assess("\n".join(user_texts(state.get("messages") or [])))}
