"""tools.deid: free-text scrubbing in English and Chinese; clinical content left intact."""

from __future__ import annotations

import dataclasses

import pytest

from tools.deid import deidentify_text

# --- free text ---------------------------------------------------------------------------------

# (text, PHI substrings that must disappear, tags that must appear); no PHI = byte-identical.
TEXT_CASES: list[tuple[str, list[str], list[str]]] = [
    ("Patient: John Smith, 45-year-old male.", ["John Smith"], ["[NAME]"]),
    ("Seen by Dr. Li today.", ["Li today"], ["Dr. [NAME]"]),
    ("Mrs Brown's MRI shows L4/5 stenosis.", ["Brown"], ["[NAME]"]),
    ("Prof. Wang reviewed the films.", ["Wang"], ["[NAME]"]),
    ("Name: Mary Jane Watson", ["Mary Jane Watson"], ["[NAME]"]),
    ("MRN: 12345678", ["12345678"], ["MRN: [MRN]"]),
    ("MR# A1234567 admitted", ["A1234567"], ["[MRN]"]),
    ("Medical record number 998877", ["998877"], ["[MRN]"]),
    ("Hospital number: H-2024-0077", ["H-2024-0077"], ["[MRN]"]),
    ("Call 555-123-4567.", ["555-123-4567"], ["[PHONE]"]),
    ("Phone (555) 123-4567", ["(555) 123-4567"], ["[PHONE]"]),
    ("UK +44 20 7946 0958", ["+44 20 7946 0958"], ["[PHONE]"]),
    ("Seen on 2024-03-05.", ["2024-03-05"], ["[DATE]"]),
    ("Seen on 03/05/2024.", ["03/05/2024"], ["[DATE]"]),
    ("Admitted 5 March 2024.", ["5 March 2024"], ["[DATE]"]),
    ("Surgery on March 5, 2024.", ["March 5, 2024"], ["[DATE]"]),
    ("Scan 2024.03.05 reviewed", ["2024.03.05"], ["[DATE]"]),
    ("DOB: 01/02/1950", ["01/02/1950"], ["DOB: [DATE]"]),
    ("Lives at 221 Baker Street, London", ["221 Baker Street, London"], ["[ADDRESS]"]),
    (
        "Address: 12 Main St, Springfield, IL 62704",
        ["12 Main St, Springfield, IL 62704"],
        ["[ADDRESS]"],
    ),
    ("Email john.smith@example.com please", ["john.smith@example.com"], ["[EMAIL]"]),
    ("A 92-year-old woman with back pain", ["92-year-old"], ["A [AGE>89] woman"]),
    ("age 95, osteoporosis", ["95"], ["age [AGE>89]"]),
    ("患者张伟，男，45岁，腰4/5椎间盘突出。", ["张伟"], ["患者[NAME]，男，45岁，腰4/5"]),
    ("姓名：王秀英 住院号：ZY20240305", ["王秀英", "ZY20240305"], ["[NAME]", "[MRN]"]),
    ("病人李娜因腰痛入院", ["李娜"], ["病人[NAME]因腰痛入院"]),
    ("病历号：A123456", ["A123456"], ["[MRN]"]),
    ("门诊号 20240001", ["20240001"], ["[MRN]"]),
    ("联系电话：13812345678", ["13812345678"], ["[PHONE]"]),
    ("座机010-12345678", ["010-12345678"], ["[PHONE]"]),
    ("身份证号11010519491231002X", ["11010519491231002X"], ["[ID]"]),
    ("2024年3月5日行MRI检查", ["2024年3月5日"], ["[DATE]行MRI检查"]),
    ("家住北京市海淀区中关村大街27号", ["北京市海淀区中关村大街27号"], ["家住[ADDRESS]"]),
    ("王医生查房", ["王医生"], ["[NAME]医生查房"]),
    ("93岁高龄", ["93岁"], ["[AGE>89]高龄"]),
    ("报告医师：赵敏", ["赵敏"], ["报告医师：[NAME]"]),
    # clinical-only sentences: must come back byte-identical
    ("L4/5 and L5/S1 disc herniation with T12 compression.", [], []),
    ("C5/6 foraminal stenosis, T2-weighted hyperintensity.", [], []),
    ("Hip flexion 4/5 power, ankle 5/5 strength, VAS 7/10.", [], []),
    ("Canal 3.5 mm AP, disc bulge 12 mm, Cobb angle 32 degrees.", [], []),
    ("A 45-year-old man, ODI 40%, JOA score 12/17.", [], []),
    ("Ibuprofen 400 mg TID; gabapentin 300 mg qhs; BP 120/80.", [], []),
    ("Meyerding grade 2 spondylolisthesis at L5/S1.", [], []),
    ("89-year-old woman, Pfirrmann grade IV at L3/4.", [], []),
    ("患者高血压病史10年，左侧腰痛。", [], []),
    ("腰4/5椎间盘突出，椎管狭窄，45岁，男性。", [], []),
    ("经后路L4/5椎间融合术后3个月复查。", [], []),
    ("双下肢肌力5/5级，VAS评分7/10。", [], []),
    ("MRI T2加权像示L5/S1信号减低，硬膜囊受压。", [], []),
    ("Follow up in 6 weeks; repeat MRI in 3 months.", [], []),
    ("Dexamethasone 10 mg IV, then 4 mg q6h.", [], []),
    ("医生查房，患者诉腰痛减轻。", [], []),
]


@pytest.mark.parametrize(("text", "phi", "tags"), TEXT_CASES, ids=[c[0][:30] for c in TEXT_CASES])
def test_deidentify_text(text: str, phi: list[str], tags: list[str]) -> None:
    result = deidentify_text(text)
    if not phi:
        assert result.text == text and result.findings == []
        return
    for value in phi:
        assert value not in result.text
    for tag in tags:
        assert tag in result.text
    for finding in result.findings:  # spans index the original text and hold real PHI
        assert any(text[finding.start : finding.end] in value for value in phi)


def test_text_clinical_cases_are_enough() -> None:
    assert len(TEXT_CASES) >= 40
    assert sum(1 for _, phi, _ in TEXT_CASES if not phi) >= 10


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Dr. Li, MRN: 778899", [("NAME", "Li"), ("MRN", "778899")]),
        ("患者王秀英，电话13912345678", [("NAME", "王秀英"), ("PHONE", "13912345678")]),
    ],
)
def test_findings_spans_point_at_original(text: str, spans: list[tuple[str, str]]) -> None:
    result = deidentify_text(text)
    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == spans
    assert {f.name for f in dataclasses.fields(result.findings[0])} == {"kind", "start", "end"}


@pytest.mark.parametrize(
    ("number", "redacted"),
    [("11010519491231002X", True), ("110105194912310021", False), ("440524188001010014", True)],
)
def test_resident_id_checksum(number: str, redacted: bool) -> None:
    assert ("[ID]" in deidentify_text(f"ID {number}").text) is redacted
