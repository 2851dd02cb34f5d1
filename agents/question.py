"""What kind of answer a question asks for, in English and Chinese, read once per turn.

A patient's question is one of a few kinds, and each wants different sentences of the sources:

- ``now``: what to do now, how soon to be seen (an urgent sentence answers it);
- ``prognosis``: how it will go, how long it takes, whether it recovers (or shrinks by itself);
- ``options``: the treatment options (non-operative care, injections, surgery and when);
- ``cause``: why it happens, which root or level, what a finding means;
- ``general``: none of these.

The kind is part of the turn's facts (:class:`agents.turn.TurnFacts`). The retriever adds the
kind's words to its query (a question such as "What are my options?" names no treatment, so
without them the search follows the symptoms only); the final edit prefers sentences that carry
the kind's cues when it quotes the sources (:mod:`agents.extract`).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["KIND_CUES", "KINDS", "NEXT_CUES", "Kind", "question_kind", "search_words"]

Kind = Literal["now", "prognosis", "cause", "options", "general"]
KINDS: tuple[Kind, ...] = ("now", "prognosis", "cause", "options", "general")

# the question's own words, checked in this order: the first kind that matches wins
_ASKS: dict[Kind, re.Pattern[str]] = {
    "now": re.compile(
        r"\b(?:emergenc\w*|urgent\w*|right (?:now|away)|straight away|how (?:soon|quickly|fast)"
        r"|(?:go|get|call|ring) (?:to |for )?(?:the |an? )?(?:a ?& ?e|er|emergency|hospital"
        r"|ambulance|ward|clinic|999|911|112)|come in|should i (?:go|call|ring|rush|come)"
        r"|when should i (?:see|go|call)|today or|tonight|can (?:this|it|i) wait|safe to wait"
        r"|(?:need|have) to (?:see|be seen|come in|go)|before my (?:appointment|scan|clinic))\b"
        r"|急诊|马上|立即|立刻|紧急|要不要(?:去|马上|回|来)|需不需要马上|能(?:不能)?等|等到"
        r"|现在(?:就|该|应该)|今天(?:就|需要|要)|回医院|去医院|来医院",
        re.IGNORECASE,
    ),
    "prognosis": re.compile(
        r"\b(?:how long|prognos\w*|outlook|recover\w*|get better|improve|heal\w*|go away"
        r"|permanent\w*|chances?|likely to|back to (?:normal|work|sport)|will i (?:be|walk)"
        r"|by (?:it|them)sel(?:f|ves)|on (?:its|their) own|shrink\w*|settle\w*|naturally"
        r"|come back|recur\w*|get worse|end up|(?:still|ever) be able|afterwards"
        r"|in time for|for good|for ever|forever)\b"
        r"|恢复|多久|预后|能好|会好|好转|自愈|后遗症|痊愈|能不能好|自行|自己好|吸收|消退"
        r"|复发|越来越(?:严重|重|差)|永久|一直这样|矫正回来|留下|还能不能",
        re.IGNORECASE,
    ),
    "cause": re.compile(
        r"\b(?:why|caus\w*|reason|due to|what does .{0,40} mean|what(?:'s| is) (?:it|this|that"
        r"|the|an?|my)\b(?! (?:best|right) (?:treatment|option|way|thing to do))|which (?:nerve"
        r"|root|level|disc)|where does|com(?:e|ing) from|explain|difference between"
        r"|could (?:it|this|my \w+) be|is (?:it|this) (?:my|the|a|from))\b"
        r"|为什么|原因|引起|导致|什么意思|是什么|哪根|哪条|哪个(?:节段|神经|部位)|怎么回事|是不是",
        re.IGNORECASE,
    ),
    "options": re.compile(
        r"\b(?:options?|choices?|alternatives?|treat\w*|therap\w*|surgery|surgical|operat\w*"
        r"|physio\w*|injections?|manag\w*|cure|fix|what (?:can|should) (?:i|we|be) do(?:ne)?"
        r"|do i need|is there anything|something (?:stronger|else|different)|help (?:it|with|me)"
        r"|recommend\w*|best way|which is better|(?:should|shall) i have|does .{0,40} work"
        r"|exercises?|tablets?|medicat\w*|painkillers?|try)\b|\bvs\b"
        r"|治疗|治|手术|开刀|保守|方案|选择|康复|理疗|注射|怎么办|怎么处理|如何处理|需要做什么|推荐"
        r"|吃什么药|什么药|锻炼|哪个效果|效果好|能不能只做|有什么(?:办法|方法)|缓解",
        re.IGNORECASE,
    ),
}
# a question about something else than the spine problem (cost, insurance, the appointment)
_ELSEWHERE = re.compile(
    r"\b(?:cost|price|pay|insurance|insured|parking|visiting hours|how long have you)\b"
    r"|多少钱|费用|医保|报销|挂号|停车",
    re.IGNORECASE,
)
# a sentence that asks something (without one, a message is a statement: ``general``)
_ASKING = re.compile(
    r"[?？]|\b(?:what|why|how|which|when|where|who|should|shall|can|could|would|will|is|are"
    r"|do|does|did|need)\b|吗|呢|什么|怎么|为什么|哪|多少|是否|能否|会不会|要不要|需不需要"
    r"|可不可以|能不能|有没有",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


# words added to the retriever's query for a kind (the sources' own vocabulary)
_SEARCH: dict[Kind, dict[str, str]] = {
    "now": {
        "en": "red flags needing urgent or emergency assessment",
        "zh": "需要紧急就医的危险信号",
    },
    "options": {
        "en": "treatment options: non-operative care, injection or surgery",
        "zh": "治疗方案：保守治疗、注射或手术",
    },
    "prognosis": {
        "en": "natural history, recovery and prognosis",
        "zh": "自然病程、恢复与预后",
    },
    "cause": {"en": "", "zh": ""},
    "general": {"en": "", "zh": ""},
}

# cues of a source sentence (or its section heading) that answers a kind of question
KIND_CUES: dict[Kind, re.Pattern[str]] = {
    "now": re.compile(
        r"\b(?:urgent\w*|emergenc\w*|immediate\w*|same[- ]day|red flags?|cauda equina|bladder"
        r"|bowel|saddle|progressive|worsening|refer\w*)\b"
        r"|急诊|立即|紧急|尽快|危险信号|红旗|马尾|大小便|鞍区|会阴|进行性",
        re.IGNORECASE,
    ),
    "options": re.compile(
        r"\b(?:surg\w*|discectom\w*|decompress\w*|fusion|operat\w*|non-?operative|conservative"
        r"|physiotherap\w*|physical therap\w*|exercis\w*|injection\w*|epidural|medication\w*"
        r"|analgesi\w*|treat\w*|therap\w*|rehabilitat\w*|brac\w*|recommend\w*|offer\w*|manag\w*)\b"
        r"|手术|保守|治疗|理疗|康复|注射|药物|减压|融合|推荐|建议|支具|锻炼|训练",
        re.IGNORECASE,
    ),
    "prognosis": re.compile(
        r"\b(?:improv\w*|recover\w*|resol\w*|natural history|weeks|months|favourabl\w*"
        r"|favorabl\w*|outcome\w*|prognos\w*|resorb\w*|resorption|most patients|fluctuat\w*"
        r"|course)\b"
        r"|改善|恢复|缓解|吸收|预后|自然病程|大多数|多数|数周|数月|好转",
        re.IGNORECASE,
    ),
    "cause": re.compile(
        r"\b(?:caus\w*|compress\w*|due to|because|results? (?:from|in)|aris\w*|degenerat\w*"
        r"|pressure|irritat\w*|traversing|exiting)\b"
        r"|压迫|引起|导致|原因|退变|由于|刺激|走行",
        re.IGNORECASE,
    ),
    "general": re.compile(r"(?!)"),
}

# cues of a sentence that says what to do next (the answer's "next steps" part)
NEXT_CUES = re.compile(
    r"\b(?:seek|see (?:a|your|the)|refer(?:red|ral)?|follow-?up|reassess\w*|should|contact"
    r"|consult (?:a|your|the)|first step|start\w* with|keep active|stay active|recommend\w*)\b"
    r"|应|建议|就医|就诊|复查|随访|及时|首先|先行|保持活动",
    re.IGNORECASE,
)


def _first_kind(text: str) -> Kind:
    for kind, rx in _ASKS.items():
        if rx.search(text):
            return kind
    return "general"


def question_kind(text: str) -> Kind:
    """The kind of answer ``text`` asks for: read from its asking sentences, the last first (a
    long story usually ends with the real question), then from the whole message; ``general``
    for a statement, a question about something else, or no cue."""
    if _ELSEWHERE.search(text):
        return "general"
    asking = [s for s in _SENTENCES.findall(text) if _ASKING.search(s)]
    if not asking:
        return "general"
    for sentence in reversed(asking):
        if (kind := _first_kind(sentence)) != "general":
            return kind
    return _first_kind(text)


def search_words(kind: Kind, lang: str) -> str:
    """Words the retriever adds to a question of this kind ('' for none)."""
    return _SEARCH[kind].get(lang, _SEARCH[kind]["en"])
