"""De-identification of free clinical text (English and Chinese).

Names, medical record numbers, phone numbers, dates, addresses, Chinese resident ID numbers and
e-mail addresses become bracketed tags (``[NAME]``, ``[MRN]`` ...) while vertebral levels, scores,
measurements and doses are left byte-identical. DICOM datasets: :mod:`tools.dicom_deid`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["NAME", "MRN", "PHONE", "DATE", "ADDRESS", "ID", "EMAIL", "AGE"]
_TAG_OF: dict[str, str] = {
    "NAME": "[NAME]",
    "MRN": "[MRN]",
    "PHONE": "[PHONE]",
    "DATE": "[DATE]",
    "ADDRESS": "[ADDRESS]",
    "ID": "[ID]",
    "EMAIL": "[EMAIL]",
    "AGE": "[AGE>89]",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One replaced span, as offsets into the ORIGINAL text (the value itself is not kept)."""

    kind: Kind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DeidText:
    """Scrubbed text and where the replacements came from."""

    text: str
    findings: list[Finding]


_CJK = "\u4e00-\u9fff"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边"
    "卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝欧阳司马上官诸葛"
)
# Characters that are far more often a function word than a surname before 医生/主任 ...
_SURNAMES_STRICT = "".join(c for c in _SURNAMES if c not in "和向于时应全成常安文单明解连")
# A Chinese name must be followed by a boundary, so "患者高血压病史" is not read as a name.
_CN_NAME_END = r"(?=[\s，,、。；;：:（()）]|男|女|先生|女士|因|于|主诉|诉|$)"
_TITLE_EN = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor)\.?"
_NAME_EN = r"[A-Z][a-zA-Z]*(?:[-'’][A-Z][a-zA-Z]+)*"
_NOT_NAMES = frozenset(
    {"Male", "Female", "Man", "Woman", "Unknown", "Anonymous", "The", "A", "An", "No", "Yes",
     "Left", "Right", "M", "F", "None", "Patient", "Age", "Sex", "Mr", "Mrs", "Ms", "Miss",
     "Mx", "Dr", "Prof", "Professor"}
)  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_PROVINCES = (
    "北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南"
    "|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id_ok(value: str) -> bool:
    """ISO 7064 MOD 11-2 check of an 18-character Chinese resident identity number."""
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()


Refine = Callable[[re.Match[str]], tuple[int, int] | None]


def _group(name: str) -> Refine:
    def refine(m: re.Match[str]) -> tuple[int, int] | None:
        return m.span(name)

    return refine


# scores and tests written after "patient:" ("neurologically intact patient: TLICS 5")
_CLINICAL_ACRONYMS = frozenset(
    "TLICS TLISS SLIC SINS ASIA AIS AO MRI CT PET ODI NDI VAS NRS JOA MJOA ESCC GCS BMI CRP ESR "
    "WBC EMG NCS DEXA DXA ISNCSCI NOMS ACDF TLIF PLIF ALIF XLIF OLIF".split()
)


def _en_name(m: re.Match[str]) -> tuple[int, int] | None:
    tokens = m.group("n").split()
    while tokens and tokens[-1] in _NOT_NAMES:
        tokens.pop()
    if not tokens or tokens[0] in _NOT_NAMES or tokens[0].upper() in _CLINICAL_ACRONYMS:
        return None
    start = m.start("n")
    return start, start + len(" ".join(tokens))


def _resident_id(m: re.Match[str]) -> tuple[int, int] | None:
    return m.span() if _resident_id_ok(m.group()) else None


def _cn_road(m: re.Match[str]) -> tuple[int, int] | None:
    # the non-greedy prefix may start at a verb ("家住..."): cut up to the last such word
    text, start = m.group(), m.start()
    cut = max(text.rfind(c) for c in "住在于址至到往家：:")
    return (start + cut + 1, m.end()) if cut >= 0 else m.span()


def _age(m: re.Match[str]) -> tuple[int, int] | None:
    return m.span("n") if m.group("n") else m.span()


_DETECTORS: list[tuple[Kind, re.Pattern[str], Refine | None]] = [
    (
        "EMAIL",
        re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
        None,
    ),
    ("ID", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), _resident_id),
    (
        "ID",
        re.compile(r"(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"),
        None,
    ),
    (
        "MRN",
        re.compile(
            r"(?:(?i:\bMRN\b|\bMR\s?#|\bMR\s?No\.?|medical\s+record\s+(?:number|no\.?|#)"
            r"|hospital\s+(?:number|no\.?|#)|patient\s+ID\b)|病历号|住院号|门诊号|病案号|ID号)"
            r"\s*(?:[:#：]|is)?\s*(?P<v>[A-Za-z]{0,4}-?\d[\dA-Za-z-]{2,})"
        ),
        _group("v"),
    ),
    (
        "PHONE",
        re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),
        None,
    ),
    ("PHONE", re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])"), None),
    (
        "PHONE",
        re.compile(r"\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)|\d{1,4})(?:[\s.-]?\d{2,4}){2,3}(?!\d)"),
        None,
    ),
    (
        "PHONE",
        re.compile(r"(?<![\d/.-])(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?![\d/-])"),
        None,
    ),
    (
        "PHONE",
        re.compile(
            r"(?i:\b(?:tel|phone|telephone|mobile|cell)\b|电话|手机)\s*[:：.]?\s*"
            r"(?P<v>\+?\d[\d\s()-]{5,}\d)"
        ),
        _group("v"),
    ),  # fmt: skip
    (
        "DATE",
        re.compile(
            r"(?<![\d.])(?:19|20)\d{2}(?P<s>[-/.])(?:0?[1-9]|1[0-2])(?P=s)(?:0?[1-9]|[12]\d|3[01])"
            r"(?![\d])"
        ),
        None,
    ),
    (
        "DATE",
        re.compile(
            r"(?<![\d/.A-Za-z])(?:0?[1-9]|[12]\d|3[01])(?P<s>[-/.])(?:0?[1-9]|[12]\d|3[01])(?P=s)"
            r"(?:19|20)?\d{2}(?![\d/])"
        ),
        None,
    ),
    ("DATE", re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d{{2}}\b"), None),
    (
        "DATE",
        re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{{2}})?\b"),
        None,
    ),
    ("DATE", re.compile(rf"\b{_MONTH}\s+(?:19|20)\d{{2}}\b"), None),
    ("DATE", re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"), None),
    ("DATE", re.compile(r"(?<!\d)\d{1,2}月\d{1,2}[日号]"), None),
    (
        "AGE",
        re.compile(
            r"(?<![\d.])(?:9\d|1[0-4]\d)\s*(?:-\s*|\s)?(?:years?|yrs?)(?:\s*-\s*|\s+)old\b"
            r"|(?<![\d.])(?:9\d|1[0-4]\d)\s*(?:岁|歲|周岁|y/o\b|yo\b)"
            r"|(?i:\bage[ds]?\b|年龄)\s*[:：]?\s*(?P<n>(?:9\d|1[0-4]\d))(?![\d.])"
        ),
        _age,
    ),
    (
        "NAME",
        re.compile(rf"\b{_TITLE_EN}\s+(?P<n>{_NAME_EN}(?:\s+{_NAME_EN}){{0,2}})"),
        _en_name,
    ),
    (
        "NAME",
        re.compile(
            r"(?i:\b(?:patient(?:\s+name)?|pt|name|referring\s+physician|physician|surgeon"
            r"|attending|signed\s+by|reported\s+by)\b)\s*:\s*"
            rf"(?P<n>{_NAME_EN}(?:\s+{_NAME_EN}){{0,2}})"
        ),
        _en_name,
    ),
    (
        "NAME",
        re.compile(
            rf"(?:\b{_TITLE_EN}\s*|(?:患者|姓名|病人|病患)\s*[:：]?\s*"
            r"|(?:医师|医生|报告人|审核人|签名)\s*[:：]\s*)"
            rf"(?P<n>[{_SURNAMES}][{_CJK}]{{1,2}}){_CN_NAME_END}"
        ),
        _group("n"),
    ),
    (
        "NAME",
        re.compile(rf"(?P<n>[{_SURNAMES_STRICT}])(?=医生|医师|大夫|主任|教授|护士)"),
        _group("n"),
    ),
    (
        "ADDRESS",
        re.compile(
            r"\b\d{1,5}\s+(?:[A-Z][a-zA-Z]*\.?\s+){1,4}"
            r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl"
            r"|Way|Terrace|Highway|Hwy)\b\.?"
            r"(?:,?\s*(?:Apt|Suite|Unit)\.?\s*#?\w+)?"
            r"(?:,\s*[A-Z][a-zA-Z]+(?:\s[A-Z][a-zA-Z]+)*)?(?:,\s*[A-Z]{2}\s*\d{5}(?:-\d{4})?)?"
        ),
        None,
    ),
    (
        "ADDRESS",
        re.compile(
            rf"(?:{_PROVINCES})(?:省|市|自治区|特别行政区)?"
            rf"(?:[{_CJK}]{{1,8}}?(?:市|区|县|州|镇|乡))+"
            rf"(?:[{_CJK}0-9]{{1,10}}?(?:路|街|大街|大道|巷|胡同))?(?:[0-9]+号)?"
            rf"(?:[0-9]+(?:栋|楼|单元|室))*"
        ),
        None,
    ),
    (
        "ADDRESS",
        re.compile(
            rf"[{_CJK}]{{2,10}}?(?:路|街|大街|大道|巷|胡同)[0-9]+号(?:[0-9]+(?:栋|楼|单元|室))*"
        ),
        _cn_road,
    ),
    (
        "ADDRESS",
        re.compile(r"(?:地址|住址|家住|现住|居住于)\s*[:：]?\s*(?P<v>[^\s，。；;,\n]{4,40})"),
        _group("v"),
    ),
]


def deidentify_text(text: str) -> DeidText:
    """Replace PHI in English or Chinese free text with bracketed tags.

    Tags: ``[NAME]``, ``[MRN]``, ``[PHONE]``, ``[DATE]``, ``[ADDRESS]``, ``[ID]``, ``[EMAIL]``
    and ``[AGE>89]`` (HIPAA: ages of 90 or more). Labels and titles stay ("Dr. [NAME]",
    "MRN: [MRN]"); clinical content (levels like L4/5, scores like 5/5 or VAS 7/10, sizes,
    doses, ages up to 89) is left unchanged.

    Returns:
        The scrubbed text and findings whose spans index the original ``text``.
    """
    spans: list[tuple[int, int, int, Kind]] = []
    for rank, (kind, pattern, refine) in enumerate(_DETECTORS):
        for m in pattern.finditer(text):
            span = refine(m) if refine is not None else m.span()
            if span is not None and span[1] > span[0]:
                spans.append((span[0], -span[1], rank, kind))
    if not spans:
        return DeidText(text=text, findings=[])
    spans.sort()
    findings: list[Finding] = []
    end_so_far = -1
    for start, neg_end, _rank, kind in spans:
        if start >= end_so_far:
            findings.append(Finding(kind, start, -neg_end))
            end_so_far = -neg_end
    parts: list[str] = []
    cursor = 0
    for f in findings:
        parts.append(text[cursor : f.start])
        parts.append(_TAG_OF[f.kind])
        cursor = f.end
    parts.append(text[cursor:])
    return DeidText(text="".join(parts), findings=findings)
