"""The rule layer of triage: red flags found by regular expressions kept as data (English, Chinese).

``assess`` finds red flags (cauda equina, neurological deficit, infection, malignancy, trauma,
myelopathy) with regular expressions kept as data tables, drops the mentions that are negated,
hypothetical, asked about or about a relative, applies the combination rules and returns the level
with its reasons. No model call and no network: the same text always gives the same answer, in
well under a millisecond for a long message.
"""

from __future__ import annotations

import re

from agents.triage.models import Triage, decide, flag
from agents.triage.rules import FRAGMENTS as _FRAGMENTS
from agents.triage.rules import NET_EXCEPTIONS as _NET_EXCEPTIONS
from agents.triage.rules import RULES as _RULES

__all__ = ["asserts_present", "assess", "clause_spans", "is_hypothetical"]

_CJK = re.compile(r"[\u3400-\u9fff]")
_GAP_EN = (  # a few words, checked at word starts only, which keeps the scan cheap
    r"[^\s,.;!?]*(?:[ \t]+(?!(?:but|however|not|no|never|without|except|although|though|nor|"
    r"(?:don|doesn|didn|won|isn|aren|wasn|weren|haven|hasn|hadn|couldn|wouldn)\x27?t)(?![a-z]))"
    r"[^\s,.;!?]+){0,6}?[ \t]+"
)
_GAP_STRICT = _GAP_EN.replace("nor|", "nor|pain\\w*|ach\\w*|hurt\\w*|")  # "‥": not past pain
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


def _merged() -> list[tuple[str, str, str]]:
    """The rules, tables of one code with the same exceptions joined: one scan each."""
    tables: dict[tuple[str, str], list[str]] = {}
    for code, table, unless in _RULES:
        tables.setdefault((code, unless.strip()), []).append(table.strip("\n"))
    return [(code, "\n".join(parts), unless) for (code, unless), parts in tables.items()]


# English alternatives start with a character class, not a look-behind, so that `re` can skip
# to word starts quickly; they run on the text padded with one space (see assess).
_COMPILED = [
    (
        code,
        re.compile(rf"[^a-z](?:{english})(?![a-z])"),
        re.compile(chinese),
        _compile(unless),
    )
    for code, table, unless in _merged()
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
_ZH_SENTENCE = re.compile(r"[^.;!?\n]*[\u3400-\u9fff][^.;!?\n]*")
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
(?<![a-z])(?:absence of|none|neither|nor|ruled out|rules out|excluded|nobody|nothing|no one|
    none of)(?![a-z])
(?<![a-z])(?:don|doesn|didn|haven|hasn|hadn|isn|aren|wasn|weren)'t(?![a-z])
没有|没|否认|未见|未|并无|无(?!力|法|缘|故|论|聊|奈|意)|不(?=[发麻疼痛烧]|伴|存在|是|曾|会)
""")
_PSEUDO = _compile(r"""
(?<![a-z])(?:no longer|not only|not just|no (?:relief|improvement|better|matter|doubt|position))
(?<![a-z])(?:no idea (?:why|what|how)|no (?:obvious |apparent |clear |known )?(?:reason|cause))
(?<![a-z])not (?:getting |been getting )?better|(?<![a-z])never (?:lets up|eases|goes away|stops)
(?<![a-z])not (?:improv|eas|settl|go(?:ing)? away|stop|help|sure|trying|dieting|reliev)\w*
(?<![a-z])(?:doesn't|don't|didn't|won't|hasn't|haven't) (?:help|go away|ease|improve|settle)\w*
(?<![a-z])(?:doesn't|don't|didn't|won't|hasn't|haven't) (?:stop|let up|get better|know why|tried)
(?<![a-z])without (?:any )?(?:reason|cause|trying|dieting|meaning)
没有?(?:刻意)?(?:减肥|节食|锻炼|运动)|无(?:明显)?(?:诱因|原因)|没有?(?:明显)?(?:诱因|原因)|无缘无故|没有?(?:好转|缓解|改善|减轻)
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
(?<![a-z])(?:worried|scared|afraid|frightened|terrified|concerned|anxious|
    fear\w*) (?:that )?(?:i'll|i will|i'd|i might|i may|i could|it'll|it might|it could|this will|
    this might)(?![a-z])
(?<![a-z])(?:worried|scared|afraid|frightened|terrified) (?:that )?(?:it|
    this)(?:'s| is| could| might| may| will)
(?<![a-z])(?:risk of|chances? of|(?:watch|look) (?:out )?for|warning signs?|red flags?|rule out)
(?<![a-z])(?:friend|doctor|gp|physio|someone|people|they|internet|google|article|website|
    nurse)s? (?:said|says|told me|tells me|reckons?|mentioned) (?:that )?
(?<![a-z])(?:a|the) (?:bad|warning|danger|worrying) sign
(?<![a-z])(?:suggested|recommended|offered|planning|plan|booked|going) (?:me )?(?:to |that i |
    for )?(?:have|get|an?)(?![a-z])
(?<![a-z])(?:how (?:do|would|will|can) i (?:know|tell)|what are the (?:signs|symptoms))
如果|万一|假如|假设|要是|若是|倘若|会不会|是否|会否|可能会|担心(?:会|是|出现|得)|害怕(?:会|是|出现)|(?:朋友|医生|别人|人家|网上|他们|书上)(?:说|讲)|不好的信号
([\u3400-\u9fff])[不没]\1|有没有|要问|会问|问我|建议(?:我)?|打算|准备|计划|要不要
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
_ZH_STOPS = re.compile(r"[，、；：]")
# "The leg pain keeps swapping sides??" states a symptom; "Can a disc cause incontinence?" asks.
_ASKS = re.compile(
    r"(?:is|are|am|was|were|do|does|did|can|could|should|would|will|shall|may|might|must|have|"
    r"has|had|what|why|how|when|where|which|who|whom|whose|any|anything|isn't|aren't|don't|"
    r"doesn't|won't|can't|couldn't|shouldn't|wouldn't|or|so|and|but|if|[^\x00-\u2fff])(?![a-z])"
)
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
(?P<kin_zh3>婆婆|公公|岳母|岳父|丈母娘|老丈人|儿媳|女婿|孙子|孙女|外孙|老爹|老娘|爹|娘|老爷子|老太太)
我(?!妈|爸|母|父|家|奶|爷|外|姥|哥|姐|弟|妹|儿|女|老|丈|妻|爱|亲|舅|叔|阿|姑)|本人|自己
""")
# Time: a symptom followed in its sentence by words saying it went away is past ("I had a fever
# last week but it's gone"); one whose clause says it is long-standing or explained by something
# else is not new ("groin numbness since my hernia repair two years ago"). Histories (cancer,
# trauma, drugs, infections) stay flags however old or cured.
_RESOLVED = _compile(r"""
(?<![a-z])(?:all |completely |fully |totally |since |now )?(?:gone(?: away| now)?(?! ?[a-z])|
    went away|resolved|
    recovered|cleared(?: up)?|settled(?: down)?|disappeared|went back to normal|back to normal|
    (?:been |was |all |fine |ok )?fine (?:ever )?since|been fine|no problems since|
    normal again|better now|fine now|ok now|okay now|sorted(?: out)?|got better|subsided|wore off|
    worn off)(?![a-z])
已(?:经)?(?:好了|好转|消失|退|恢复|缓解|没事|正常)|(?<![没不未])好了|退了|消失了|恢复(?:了|正常)|没事了|痊愈|治好了
""")
_UNRESOLVED = _compile(r"""
(?<![a-z])(?:not|never|hasn't|haven't|isn't|aren't|didn't|hasn|haven|yet to|still not|nowhere near|
    not yet)(?![a-z])
没|未|不
""")  # said just before the cue: "it hasn't gone", 还没好
_RECUR = _compile(r"""
(?<![a-z])(?:again|came back|come back|coming back|returned|back again|recurr\w*|worse)(?![a-z])
又|再次|复发|反复|加重
""")  # said just after it: "it went away but came back"
_LAST_CLAUSE = re.compile(r"[,;:，；]|(?<![a-z])(?:but|and|though|although|whereas)(?![a-z])")
_OTHER_SUBJECT = re.compile(
    r"\s*(?:(?:the|my|his|her|your|our) (?!(?:fever|temperature|numbness|tingling|weakness|"
    r"symptoms?|feeling|sensation)\b)[a-z]+|[^\x00-\u2fff]*?[\u3400-\u9fff]*?(?:腰|腿|背|颈|脖子|"
    r"伤口|疼痛|痛|疼))"
)
_SYMPTOMS = frozenset({
    "saddle_anaesthesia", "sphincter_dysfunction", "sexual_dysfunction", "bilateral_sciatica",
    "progressive_deficit", "sensory_level", "motor_deficit", "fever", "night_pain", "myelopathy",
    "weight_loss", "_arm_paraesthesia",
})  # fmt: skip
_CHRONIC = _compile(r"""
(?<![a-z])for (?:many |several |a few |the (?:last|past) (?:few |\d+ |many )?|over |more than |
    about |nearly |almost |around )?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|fifteen|
    twenty|many|several|a few|some|a couple of)? ?(?:years|decades)(?![a-z])
(?<![a-z])for (?:a |over a |more than a )?(?:year|decade|long time|ages|
    as long as i (?:can )?remember)(?![a-z])
(?<![a-z])(?:years|decades) (?:ago|now|back)(?![a-z])|(?<![a-z])(?:in|since|
    back in) %OLDYEAR%(?!\d)|(?<![a-z])(?:long[- ]?standing|lifelong|
    always (?:had|been))(?![a-z])
(?<![a-z])(?:since|after|from|due to|because of|caused by|following) (?:my |the |a |an |his |
    her )?(?:hernia|prostate|stroke|polio|childbirth|giving birth|having (?:my |the )?(?:baby|kids|
    children)|pregnan\w*|c-?section|hysterectomy|vasectomy|radiotherapy|radiation|diabet\w*|ms|
    multiple sclerosis|bph|i was (?:a )?(?:child|kid|teenager|young|born))
(?:\d+|[一二两三四五六七八九十几多]+)(?:多)?年(?:前|以前|了|来|多)|多年|好几年|很多年|一直(?:都)?有|从小|生孩子|产后|疝(?:气)?|老毛病|糖尿病(?:引起|
    导致|多年)
""")
_NEVER = re.compile("(?!)")
_STEROID = re.compile(r"steroid|pred|cortison|dexameth|hydrocort|激素|泼尼松|强的松|地塞米松")
_CAUSE = re.compile(r"(?:since|because|after|from|following)(?![a-z])")
_CHRONIC_CODES = frozenset({
    "saddle_anaesthesia", "sphincter_dysfunction", "sexual_dysfunction", "bilateral_sciatica",
    "sensory_level", "motor_deficit", "infection_risk", "_neck_injury", "_arm_paraesthesia",
})  # fmt: skip
# Tiredness all over is not a weak limb (浑身没力气, "weak and tired all over").
_FATIGUE = _compile(r"""
(?<![a-z])(?:tired\w*|fatigu\w*|exhaust\w*|no energy|lack of energy|low energy|letharg\w*|worn out|
    wiped out|drained|run down|knackered|shattered|all over|whole body|generally|flu\w*|sleepy|
    anaemi\w*|anemi\w*)(?![a-z])
浑身|全身|整个人|精神|乏力|疲劳|疲惫|疲倦|累|没精神|困|虚
""")
# A worry or a check is not a diagnosis ("I'm worried it's cancer", 怀疑是肿瘤).
_WORRY = _compile(r"""
(?<![a-z])(?:read|heard|online|googl\w*|can be|can cause|worr\w*|scared|afraid|frightened|terrified|
    concern\w*|anxious|fear\w*|paranoid|nervous|
    panick\w*|wonder\w*|suspect\w*|rule out|ruled out|screen\w*|tests? for|test\w* me for|
    scan\w* for|check\w* (?:me )?for|look\w* for|exclude|possibility of|possible|chance of|could be|
    might be|may be)(?![a-z])
担心|害怕|怕|怀疑|排除|筛查|检查(?:一下)?(?:有没有|是不是)|想知道|焦虑|恐惧|可能是|会不会是
""")
_WORRY_CODES = frozenset({"cancer_history", "myelopathy", "infection_risk", "immunosuppression"})
_OWNED = re.compile(r"(?<![a-z])my(?![a-z])|我的|我得过|我有")
_KIN_CODES = frozenset(
    {"cancer_history", "_fragility", "immunosuppression", "iv_drug_use", "infection_risk", "fever"}
)
# The writer's own complaint: then a relative named with a history is not the patient.
_SELF_COMPLAINT = re.compile(
    r"(?<![a-z])(?:my (?:lower |low |upper |mid )?(?:back|neck|spine|legs?|sciatica)|i(?:'ve| have)"
    r"(?: got)? (?:\w+ )?(?:back|neck|leg) (?:pain|ache)|i'm in pain)(?![a-z])|"
    r"我(?![爸妈爹娘儿女老丈妻哥姐弟妹爷奶外姥婆公岳孙家亲舅叔姑阿])[^,.;!?\n]{0,3}?"
    r"(?:腰|背|颈|脖子|腿)|我自己"
)
# A carer describing the patient ("my dad's back is worse, he's on methotrexate"): the relative
# named with the spine problem is the patient, and their history counts.
_KIN_PATIENT = re.compile(
    r"(?<![a-z])(?:his|her|their|(?:mum|mom|mother|dad|father|husband|wife|son|daughter|partner|"
    r"nan|gran\w*|brother|sister)'?s)(?: \w+)? (?:back|neck|spine|legs?|sciatica)(?![a-z])|"
    r"(?<![a-z])(?:he|she)(?:'s| is| has| keeps| can't| cannot| can no longer| started| now)"
    r"(?: \w+){0,3} (?:dropping|falling|weak\w*|numb\w*|pain\w*|aching|sore|hurt\w*|struggl\w*|"
    r"walk\w*|back|neck|legs?)(?![a-z])|[他她][^,.;!?\n]{0,6}?(?:腰|背|颈|腿|疼|痛|麻|无力|走路)|(?:爸|妈|父亲|母亲|丈夫|妻子|老公|老婆|儿子|女儿|爷爷|奶奶|外公|外婆)"
    r"(?:的)?(?:腰|背|颈|腿)"
)
_KIN_ANY = re.compile(r"runs in (?:the|my|our) family|family history|hereditary|家族史|遗传")
# An age is a number with "years old" / "岁" after it, or "I'm" / "aged" / "in my" before it.
_AGE = re.compile(r"(?<!\d)(?:\d{2,3}|[七八九]十)(?!\d|\.\d)")
_AGE_AFTER = re.compile(
    r"\s*(?:-?\s*(?:years?|yrs?|y)[- ]?old|yo(?![a-z])|y/o|s(?![a-z])|多?周?岁)"
)
_AGE_BEFORE = re.compile(
    r"(?:i'?m|i am|aged?|age:?|at|(?:patient|he|she) is|in (?:my|her|his)|(?:mum|mom|mother|dad|"
    r"father|husband|wife|nan|gran\w*|grandad|grandpa|grandma)(?:'s| is)|(?:爹|爸|妈|娘|老爷子|"
    r"老太太|奶奶|爷爷|外婆|外公|姥姥|姥爷|老人家?)(?:今年|都|已经|快)?)\s*$"
)
_OWN_AGE = re.compile(
    r"(?:(?<![a-z])(?:i'?m|i am|aged)|我今年|我)\s*(\d{2})(?:\s*(?:岁|years|yrs|y/?o))?(?!\d)"
)
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


class _Context:
    """Clause boundaries and the spans where mentions are negated, hypothetical or asked about.

    No scope crosses a sentence end, so only the sentences with a mention are read, and each
    keeps its own boundaries and scopes (the work stays linear in the length of the text).
    """

    def __init__(
        self,
        text: str,
        triggers: list[tuple[int, int]],
        symptoms: list[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self.symptoms = triggers if symptoms is None else symptoms
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
            questions = [
                span
                for m in _QUESTION.finditer(text, a, b)
                for span in [self.clause(m.start())]
                if m.group() != "?" or _ASKS.match(text[span[0] : span[1]].lstrip())
            ]
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

    def _reason_end(self, clause: tuple[int, int]) -> int:
        """The clause's end, or the next one's when that gives its cause ("since my hernia...")."""
        if _CAUSE.match(self.text, clause[1]) and clause[1] < len(self.text):
            return self.clause(clause[1] + 1)[1]
        return clause[1]

    def _resolved(self, start: int, end: int, stop: int) -> bool:
        """Whether words after a mention, in its sentence, say that it has gone."""
        cue = _RESOLVED.search(self.text, end, stop)
        if cue is None:
            return False
        if any(end <= s < cue.start() for s, _ in self.symptoms if s != start):
            return False  # the cue is about a later symptom
        between = _LAST_CLAUSE.split(self.text[end : cue.start()])
        if len(between) > 1 and _OTHER_SUBJECT.match(between[-1]):
            return False  # "a fever for days, but the back pain is better now"
        near = self.text[max(end, cue.start() - 14) : cue.start()]
        after = self.text[cue.end() : min(stop, cue.end() + 24)]
        return not (_UNRESOLVED.search(near) or _RECUR.search(after))

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
        clause = self.clause(start)
        if code in _CHRONIC_CODES and _CHRONIC.search(text, clause[0], self._reason_end(clause)):
            return False
        if code in _SYMPTOMS and self._resolved(start, end, sentence[1]):
            return False
        if code == "motor_deficit" and _FATIGUE.search(text, clause[0], max(clause[1], end)):
            return False
        if (
            code in _WORRY_CODES
            and _WORRY.search(text, clause[0], start)
            and not _OWNED.search(text, max(clause[0], start - 4), end)
        ):
            return False
        if code in _KIN_CODES and not _relative_is_patient(text, code):
            if _KIN_ANY.search(text, *sentence):
                return False
            if code == "_fragility":  # "my mum, 78, has osteoporosis and fell": she is the patient
                return True
            people = list(_KIN.finditer(text, sentence[0], start))
            if people and any(k.startswith("kin") for k, v in people[-1].groupdict().items() if v):
                return False
        return True


def _relative_is_patient(text: str, code: str) -> bool:
    """Whether a relative named in ``text`` is the patient (a carer writing), for ``code``.

    Not when the writer has a complaint of their own; a relative's fever otherwise is the
    patient's ("my mum has a temperature"), a relative's history only when the relative is the
    one described with the spine problem ("my dad's back is worse, he's on methotrexate").
    """
    if _SELF_COMPLAINT.search(text):
        return False
    return code == "fever" or bool(_KIN_PATIENT.search(text))


def _age_70_plus(text: str) -> bool:
    """Whether the text gives an age of 70 or more ("I'm 78", "82-year-old", "七十多岁").

    A writer who gives their own age under 70 is the patient, whatever their mother's age.
    """
    own = _OWN_AGE.search(text)
    if own and int(own.group(1)) < 70:
        return False
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
    # Chinese rules read only the sentences with Chinese in them.
    zh_spans = [m.span() for m in _ZH_SENTENCE.finditer(norm)]
    raw: list[tuple[str, int, int, re.Pattern[str]]] = []
    for code, en, zh, unless in _COMPILED:
        for start, end in spans:
            raw += [
                (code, m.start(), m.end() - 1, unless) for m in en.finditer(padded, start, end + 1)
            ]
        for start, end in zh_spans:
            raw += [(code, m.start(), m.end(), unless) for m in zh.finditer(norm, start, end)]
    if not raw:
        return Triage(level="routine")
    context = _Context(
        norm, [(s, e) for _, s, e, _ in raw], [(s, e) for c, s, e, _ in raw if c in _SYMPTOMS]
    )
    found: dict[str, tuple[int, int]] = {}
    for code, start, end, unless in sorted(raw, key=lambda r: (r[1], -r[2])):
        if code not in found and context.accepts(code, start, end, unless):
            found[code] = (start, end)
    minor = found.pop("_minor_trauma", None)
    steroid = found.get("immunosuppression")
    fragile = (
        found.pop("_fragility", None)
        or (minor and _age_70_plus(norm))
        or (steroid and _STEROID.search(norm, *steroid))  # long-term steroids thin the bones
    )
    major = found.get("major_trauma")
    if minor and fragile and not (major and major[0] < minor[1] and minor[0] < major[1]):
        found["minor_trauma_fragility"] = minor
    neck = found.pop("_neck_injury", None) or major
    arm = found.pop("_arm_paraesthesia", None)
    if neck and arm:  # Canadian C-spine rule: paraesthesia in the extremities after neck injury
        found["neck_injury_paraesthesia"] = arm
    return decide(flag(code, text, s, e) for code, (s, e) in found.items())


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text`` (sentence ends, commas, "but", "and I..."), stripped, in order."""
    norm = text.translate(_FOLD)
    cuts = sorted(
        {0, len(norm)}
        | {p for m in _HARD.finditer(norm) for p in (m.start(), m.end())}
        | {p for m in _BOUND.finditer(norm) for p in (m.start(), m.end())}
        | {p for m in _ZH_STOPS.finditer(norm) for p in (m.start(), m.end())}
    )
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = norm[a:b]
        if piece.strip() and not _HARD.fullmatch(piece) and not _BOUND.fullmatch(piece.strip()):
            lead = len(piece) - len(piece.lstrip())
            spans.append((a + lead, a + len(piece.rstrip())))
    return spans


def is_hypothetical(text: str, start: int, end: int) -> bool:
    """Whether the clause ``text[start:end]`` is a hypothetical or a question about a symptom."""
    return _hypothetical(text.translate(_FOLD), start, end)


def _hypothetical(norm: str, start: int, end: int) -> bool:
    """:func:`is_hypothetical` on text already folded."""
    if _HYP.search(norm, start, end):
        return True
    tail = norm[end : end + 2].lstrip()
    asked = tail.startswith(("?", "？")) or bool(_QUESTION.search(norm, start, end))
    return asked and not _ASSERTS.search(norm, start, end)


# A clause that denies a symptom ("no trouble peeing", 没有麻木) — as opposed to a symptom that is
# itself a loss ("no feeling down below", 没有尿意) — for the layers that do not know which words
# carry the flag.
_DENIAL = _compile(r"""
(?<![a-z])(?:no|not|never|without|den(?:y|ies|ied)|negative for|free (?:of|from)|none|nil|nor|
    neither)(?: \w+){0,2} (?:any |all )?(?:trouble|problems?|issues?|difficult\w*|numb\w*|tingl\w*|
    weak\w*|fever\w*|temperature|incontinen\w*|leak\w*|accidents?|changes?|symptoms?|red flags?|
    concerns?|signs?|history|loss|chills|sweats|injur\w*|trauma|falls?|cancer|tumou?rs?|pain|issue|
    weight|steroids?|drugs?|chemo\w*|infections?|surgery|operations?|diabet\w*|sciatica)(?![a-z])
(?<![a-z])(?:don't|doesn't|didn't|haven't|hasn't|hadn't|isn't|aren't|wasn't|
    weren't)(?: \w+){0,3} (?:any |a )?(?:trouble|problems?|issues?|difficult\w*|numb\w*|tingl\w*|
    weak\w*|fever\w*|temperature|incontinen\w*|leak\w*|accidents?|symptoms?|cancer|pain|weight|
    steroids?|drugs?|chemo\w*|infections?|falls?|wake\w*)(?![a-z])
(?<![a-z])(?:is|are|was|were|'s|feels?|seems?|all|everything|both)(?: \w+){0,2} (?:normal|normally|
    fine|ok|okay|unaffected|intact|good)(?![a-z])
(?<![a-z])(?:i'm|i am|i'?ve) not (?:on|taking|had|been)(?![a-z])|(?<![a-z])only (?:in|on) (?:one|
    the (?:left|right))(?![a-z])
(?:没有|没|无|否认|未见|未|不)(?:任何|什么|明显)?(?:[^,.;!?\n，。]{0,4}?)(?:麻|无力|发热|发烧|失禁|问题|异常|症状|困难|不适|外伤|受伤|肿瘤|癌|疼|
    痛)
(?:正常|没问题|没事|挺好|很好|都好|良好)|肌力\s*5\s*级
(?<![a-z])(?:power|strength|mrc)\s*5(?:/5)?(?![0-9/])|(?<![0-9/])5/5(?![0-9])
""")


_UNLESS: dict[str, list[re.Pattern[str]]] = {}
for _code, _en, _zh, _unless in _COMPILED:
    if _unless.pattern != "(?!)":
        _UNLESS.setdefault(_code, []).append(_unless)
for _code, _table in _NET_EXCEPTIONS.items():
    _UNLESS.setdefault(_code, []).append(_compile(_table))
_HISTORIES = frozenset({
    "cancer_history", "immunosuppression", "iv_drug_use", "infection_risk",
    "minor_trauma_fragility", "weight_loss",
})  # fmt: skip


def asserts_present(text: str, start: int, end: int, code: str) -> bool:
    """Whether a clause can assert ``code`` as a present red flag of the patient's own.

    False for a clause that is hypothetical or asked about, denies a symptom or is a worry, says
    a symptom went away, or says a symptom is long-standing or explained; the layers that match
    whole clauses use it in place of the rules' per-mention checks.
    """
    norm = text.translate(_FOLD)
    if _hypothetical(norm, start, end) or _DENIAL.search(norm, start, end):
        return False
    if not _Context(norm, [(start, end)]).accepts(code, start, end, _NEVER):
        return False  # negated from before the clause ("denies fever, saddle numbness")
    if _WORRY.search(norm, start, end):
        return False
    stop = _HARD.search(norm, end)
    tail = stop.start() if stop else len(norm)
    if code in _SYMPTOMS and _RESOLVED.search(norm, start, tail):
        return False  # "I had a fever last week, but it's gone"
    if any(unless.search(norm, start, tail) for unless in _UNLESS.get(code, ())):
        return False  # the rules' own exceptions: dieting, claudication, a prostate, ...
    if code in _HISTORIES or code == "fever":
        people = list(_KIN.finditer(norm, start, end))
        if people and any(k.startswith("kin") for k, v in people[0].groupdict().items() if v):
            return _relative_is_patient(norm, code)  # "my sister had chemotherapy"
    return not (code in _CHRONIC_CODES and _CHRONIC.search(norm, start, end))
