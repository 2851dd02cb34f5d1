"""Prompts of the SpineBench runner and its report judge (text only; no logic beyond filling).

Each template's hash is stored with the run (``results.json``) and every prediction is cached under
the hash of the messages it was asked with, so an edited template or item is asked again.
"""

from __future__ import annotations

MCQ_SYSTEM = {
    "en": "You are a spine surgeon answering a multiple-choice examination question. Exactly one "
    "option is correct. Think briefly if you need to, then end with a final line of the form "
    "'Answer: X', where X is the letter of the correct option.",
    "zh": "你是一名脊柱外科医生，正在回答一道单项选择题，只有一个选项正确。可以简要分析，"
    "最后单独一行写出“答案：X”，X 为正确选项的字母。",
}

MCQ_USER = {
    "en": "{question}\n\n{options}\n\nEnd with the line 'Answer: X'.",
    "zh": "{question}\n\n{options}\n\n最后一行写“答案：X”。",
}

REPORT_SYSTEM = {
    "en": "You are a spine surgeon writing a diagnostic report for the case below. Name the "
    "vertebral levels exactly (e.g. L4-L5, C6). Use these headed sections: structured imaging "
    "findings; diagnosis; treatment (a patient-friendly explanation and evidence-based options); "
    "risk and prognosis; post-operative or follow-up management; diagnostic basis.",
    "zh": "你是一名脊柱外科医生，请为下面的病例撰写诊断报告。准确写出椎体节段（如 L4-L5、C6）。"
    "按以下标题分节：影像学表现；诊断；治疗（面向患者的通俗解释与循证治疗方案）；风险与预后；"
    "术后或随访管理；诊断依据。",
}

JUDGE_SYSTEM = (
    "You are a senior spine surgeon grading a diagnostic report written by an AI model, against a "
    "reference report accepted by spine surgeons. Grade each of the ten dimensions from 1 (poor, "
    "wrong or missing) to 5 (as good as the reference). Wrong vertebral levels, a wrong "
    "diagnosis or unsafe treatment advice must score 1-2 in the dimensions they touch. Give a "
    "one-sentence reason for each score, then the score. Judge content, not length or style."
)

#: What each dimension asks, shown to the judge (DESIGN.md's ten dimensions, five sections).
RUBRIC = {
    "imaging_report": "imaging findings: correct structures, levels and grades as in the case",
    "diagnosis": "diagnosis: correct condition, level and severity; differentials where due",
    "patient_guidance": "patient guidance: a clear, accurate explanation the patient can follow",
    "evidence_based_treatment": "evidence-based treatment: options, indications as guidelines say",
    "technical_feasibility": "technical feasibility: procedures that fit the anatomy and level",
    "risk_prognosis": "risk and prognosis: complications, red flags and expected course",
    "coverage": "coverage: all requested sections present and the case's key facts used",
    "relevance": "relevance: stays on this patient; no invented findings",
    "granularity": "granularity: specific (levels, grades, measures) rather than generic",
    "interpretability": "interpretability: well organised, readable, the reasoning traceable",
}

JUDGE_USER = """## Case and task given to the model
{prompt}

## Reference report
{reference}

## Report to grade
{candidate}

## Dimensions (1-5 each)
{rubric}

Reply with the JSON object: for each dimension a reason and a score."""


def options_block(options: dict[str, str]) -> str:
    """``A. text`` lines in letter order."""
    return "\n".join(f"{letter}. {text}" for letter, text in options.items())


def rubric_block() -> str:
    """The judge's dimension list."""
    return "\n".join(f"- {name}: {text}" for name, text in RUBRIC.items())


def templates() -> dict[str, str]:
    """Every template by name (hashed into the run's prompt hashes)."""
    return {
        "mcq": "\n".join([*MCQ_SYSTEM.values(), *MCQ_USER.values()]),
        "report": "\n".join(REPORT_SYSTEM.values()),
        "judge": "\n".join([JUDGE_SYSTEM, JUDGE_USER, rubric_block()]),
    }
