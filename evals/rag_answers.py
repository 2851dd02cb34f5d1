"""``python -m evals.rag``: the consult graph's answers and contexts, scored with ragas.

Each item of a QA set (question, reference answer, reference chunk ids) is asked as ONE turn of
the real consult graph on a fresh thread, with the configured model (SpineGPT on vLLM, or the
embedded SmolLM2), clinician review off and checkpoints in a temporary SQLite file. The turn's
evidence chunks are its retrieved contexts; the reference chunk ids become reference contexts
through the retriever's snapshot. Metrics see the answer's body (without the numbered source list
and the educational notice).

Always scored, no LLM: ragas ``NonLLMContextPrecisionWithReference`` and ``NonLLMContextRecall``
(retrieved vs reference contexts) and ``NonLLMStringSimilarity`` (Levenshtein similarity of the
answer to the reference answer, which rewards an answer of the reference's length as much as one
of its content); ``SemanticSimilarity`` with our MiniLM (cosine of answer and reference, for the
languages the embedder reads); and two checks of the answer's structure: ``quoted_reference``
(1 when a sentence the answer quotes comes from a reference chunk, else 0: the mean is the share
of answers whose quoted evidence comes from a reference chunk) and ``line_said_3x`` (1 when a
line of the answer is said three times or more: a looping model got through).

With a judge endpoint (``settings.backend("judge")`` is not the embedded model) also
``Faithfulness`` and ``ResponseRelevancy``: ragas' LLM is the judge through langchain-openai, its
embeddings our local MiniLM (answer relevancy only for questions in ``SPINE_EMBEDDING_LANGUAGES``).
A metric that fails or gives NaN on an item is a miss: excluded
from the mean, counted, its reason kept in the item's row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, SecretStr

if TYPE_CHECKING:
    from agents.llm import ChatModel
    from evals.rag_items import RetrievalItem
    from tools.settings import BackendConfig, Settings

__all__ = [
    "JUDGED",
    "NON_LLM",
    "AnswerReport",
    "AnswerRow",
    "JudgeChoice",
    "MetricSummary",
    "aggregate",
    "choose_judge",
    "evaluate_answers",
    "format_report",
    "local_embeddings",
    "run",
]

NON_LLM = (
    "context_precision",
    "context_recall",
    "answer_similarity",
    "semantic_similarity",
    "quoted_reference",
    "line_said_3x",
)
JUDGED = ("faithfulness", "answer_relevancy")
NO_JUDGE = (
    "faithfulness and answer relevancy skipped: no judge endpoint configured (set "
    "SPINE_JUDGE_BASE_URL and SPINE_JUDGE_MODEL; the embedded model is no judge)"
)


class AnswerRow(BaseModel):
    """One question's consult turn and its scores."""

    id: str
    lang: str
    question: str
    answer: str = Field(description="the consult graph's answer as the patient reads it")
    contexts: list[str] = Field(description="chunk ids the turn retrieved, best first")
    quoted: list[str] = Field(
        default_factory=list, description="chunk ids of the source sentences the answer quotes"
    )
    reference_chunks: list[str]
    scores: dict[str, float | None] = Field(
        description="metric → value in [0, 1]; None = a miss; absent = not applicable"
    )
    errors: dict[str, str] = Field(default_factory=dict, description="metric → why it missed")
    seconds: float = Field(description="wall time of the consult turn")


class MetricSummary(BaseModel):
    """One metric over the set."""

    metric: str
    mean: float | None = Field(description="mean over the items scored; None = none scored")
    scored: int
    missed: int = Field(description="items where the metric failed or gave NaN")
    note: str = ""


class AnswerReport(BaseModel):
    """The answer-level evaluation: summary per metric and one row per item."""

    data: str
    model: str = Field(description="the model under test, as its backend names it")
    judge: str | None = Field(description="judge model @ endpoint; None = judge metrics skipped")
    judge_note: str
    embedding_model: str
    questions: int
    seconds: float
    metrics: list[MetricSummary]
    items: list[AnswerRow]


@dataclass(frozen=True)
class JudgeChoice:
    """The judge backend (None: judge metrics skipped) and a line saying why."""

    config: BackendConfig | None
    note: str


def choose_judge(settings: Settings) -> JudgeChoice:
    """The judge as the settings resolve it: an endpoint, or skipped when only the embedded
    model is configured (judge fields fall back to the ``llm_*`` ones, see ``Settings``)."""
    config = settings.backend("judge")
    if config.embedded:
        return JudgeChoice(None, NO_JUDGE)
    if settings.judge_base_url:
        return JudgeChoice(config, f"judge endpoint {config.base_urls[0]} (SPINE_JUDGE_BASE_URL)")
    return JudgeChoice(
        config,
        f"judge endpoint {config.base_urls[0]} from SPINE_LLM_BASE_URL: no SPINE_JUDGE_BASE_URL, "
        "so the model under test judges its own answers",
    )


def aggregate(
    rows: Sequence[AnswerRow], metrics: Iterable[str], skipped: Mapping[str, str] | None = None
) -> list[MetricSummary]:
    """Mean and counts per metric; None and NaN are misses, metrics absent from a row are not
    applicable to it, ``skipped`` metrics (metric → reason) were not run at all."""
    summaries = []
    for metric in metrics:
        if skipped and metric in skipped:
            summaries.append(
                MetricSummary(metric=metric, mean=None, scored=0, missed=0, note=skipped[metric])
            )
            continue
        applied = [r.scores[metric] for r in rows if metric in r.scores]
        values = [v for v in applied if v is not None and math.isfinite(v)]
        reasons = Counter(r.errors[metric] for r in rows if metric in r.errors)
        note = ""
        if reasons:
            reason, count = reasons.most_common(1)[0]
            note = f"{count}× {reason}"
        summaries.append(
            MetricSummary(
                metric=metric,
                mean=round(sum(values) / len(values), 4) if values else None,
                scored=len(values),
                missed=len(applied) - len(values),
                note=note,
            )
        )
    return summaries


def _finite(value: Any) -> float | None:
    number = float(value)
    return round(number, 4) if math.isfinite(number) else None


def local_embeddings(settings: Settings) -> Any:
    """Our MiniLM (tools.embedding, offline) as ragas embeddings: nothing is downloaded."""
    from ragas.embeddings.base import BaseRagasEmbeddings
    from ragas.run_config import RunConfig

    from tools.embedding import get_embedder

    embedder, batch = get_embedder(settings.embedding_model), settings.embedding_batch_size

    class LocalEmbeddings(BaseRagasEmbeddings):
        def __init__(self) -> None:
            super().__init__()
            self.set_run_config(RunConfig())

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vectors = embedder.embed(list(texts), batch_size=batch)
            return [[float(x) for x in row] for row in vectors]

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

        async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
            return await asyncio.to_thread(self.embed_documents, texts)

        async def aembed_query(self, text: str) -> list[float]:
            return await asyncio.to_thread(self.embed_query, text)

    return LocalEmbeddings()


def _metrics(settings: Settings, judge: BackendConfig | None, judge_model: str) -> dict[str, Any]:
    """ragas metric objects by our metric name (judge ones only with a judge)."""
    from ragas.metrics import (
        Faithfulness,
        NonLLMContextPrecisionWithReference,
        NonLLMContextRecall,
        NonLLMStringSimilarity,
        ResponseRelevancy,
        SemanticSimilarity,
    )

    metrics = {
        "context_precision": NonLLMContextPrecisionWithReference(),
        "context_recall": NonLLMContextRecall(),
        "answer_similarity": NonLLMStringSimilarity(),
        "semantic_similarity": SemanticSimilarity(embeddings=local_embeddings(settings)),
    }
    if judge is None:
        return metrics
    from langchain_openai import ChatOpenAI
    from ragas.llms import LangchainLLMWrapper
    from ragas.run_config import RunConfig

    chat = ChatOpenAI(
        base_url=judge.base_urls[0],
        model=judge_model,
        api_key=SecretStr(judge.api_key or "EMPTY"),  # vLLM without --api-key takes any
        timeout=judge.timeout_s,
        max_retries=judge.max_retries,
    )
    run_config = RunConfig(timeout=math.ceil(judge.timeout_s), max_retries=judge.max_retries)
    llm = LangchainLLMWrapper(chat, run_config=run_config)
    metrics["faithfulness"] = Faithfulness(llm=llm)
    metrics["answer_relevancy"] = ResponseRelevancy(llm=llm, embeddings=local_embeddings(settings))
    for name in JUDGED:
        metrics[name].init(run_config)
    return metrics


def said_3x(text: str) -> bool:
    """Whether a line (of words, not a blank or a list mark) is said three times or more."""
    lines = Counter(" ".join(line.split()) for line in text.splitlines())
    return any(n >= 3 and any(ch.isalnum() for ch in line) for line, n in lines.items())


async def _score(
    item: RetrievalItem,
    body: str,
    contexts: list[str],
    references: list[str],
    metrics: Mapping[str, Any],
    languages: Sequence[str],
    quoted: Sequence[str] = (),
) -> tuple[dict[str, float | None], dict[str, str]]:
    from ragas import SingleTurnSample

    scores: dict[str, float | None] = {
        "quoted_reference": float(bool(set(quoted) & set(item.reference_chunks))),
        "line_said_3x": float(said_3x(body)),
    }
    errors: dict[str, str] = {}
    if contexts:
        sample = SingleTurnSample(retrieved_contexts=contexts, reference_contexts=references)
        for name in ("context_precision", "context_recall"):
            scores[name] = _finite(await metrics[name].single_turn_ascore(sample))
    else:  # nothing retrieved: nothing precise, nothing recalled
        scores["context_precision"] = scores["context_recall"] = 0.0
    if item.reference_answer:
        sample = SingleTurnSample(reference=item.reference_answer, response=body)
        scores["answer_similarity"] = _finite(
            await metrics["answer_similarity"].single_turn_ascore(sample)
        )
        if item.lang in languages:  # MiniLM reads English only
            scores["semantic_similarity"] = _finite(
                await metrics["semantic_similarity"].single_turn_ascore(sample)
            )
    judged = {
        "faithfulness": SingleTurnSample(
            user_input=item.question, response=body, retrieved_contexts=contexts
        ),
        "answer_relevancy": SingleTurnSample(user_input=item.question, response=body),
    }
    for name, sample in judged.items():
        if name not in metrics or (name == "answer_relevancy" and item.lang not in languages):
            continue  # not applicable: no judge, or an embedder that cannot read the language
        try:
            scores[name] = _finite(await metrics[name].single_turn_ascore(sample))
            if scores[name] is None:
                errors[name] = "NaN (the judge found no statements or questions)"
        except Exception as exc:  # noqa: BLE001 - any judge failure is a miss, never a traceback
            from tools.errors import one_line

            scores[name], errors[name] = None, one_line(exc)
    return scores, errors


def _failed_row(item: RetrievalItem, reason: str, seconds: float) -> AnswerRow:
    """A question whose consult turn failed: every metric a miss, with the reason."""
    return AnswerRow(
        id=item.id,
        lang=item.lang,
        question=item.question,
        answer="",
        contexts=[],
        reference_chunks=item.reference_chunks,
        scores=dict.fromkeys(NON_LLM),
        errors=dict.fromkeys(NON_LLM, f"the turn failed: {reason}"),
        seconds=round(seconds, 2),
    )


async def evaluate_answers(
    items: Sequence[RetrievalItem],
    settings: Settings,
    *,
    judge: JudgeChoice,
    judge_model: str = "",
    model: ChatModel | None = None,
    data: str = "",
) -> AnswerReport:
    """Ask every item as one consult turn (fresh thread) and score the turns with ragas."""
    from tqdm import tqdm

    from graphs.consult import Consult
    from graphs.errors import user_message
    from knowledge import get_retriever

    started = time.perf_counter()
    texts, _ = get_retriever(settings).snapshot()
    unknown = sorted({c for item in items for c in item.reference_chunks} - texts.keys())
    if unknown:
        raise ValueError(f"reference chunks not in the store: {', '.join(unknown[:5])}")
    metrics = _metrics(settings, judge.config, judge_model)
    rows = []
    with tempfile.TemporaryDirectory(prefix="spine-rag-eval-") as tmp:
        memory = SecretStr(f"sqlite:///{Path(tmp) / 'consult.sqlite'}")
        run_settings = settings.model_copy(
            update={"clinician_review": False, "checkpoint_url": memory}
        )
        async with Consult.open(run_settings, model) as consult:
            model_id = await consult.model.model_id()
            for item in tqdm(items, desc="consult", unit="q", file=sys.stderr, leave=False):
                thread = f"rag-{Consult.new_thread()}"
                turn_started = time.perf_counter()
                try:
                    result = await consult.ask(item.question, thread_id=thread)
                except Exception as exc:  # a turn that fails is a miss; the run goes on
                    failed = user_message(exc)
                    if failed is None:
                        raise
                    rows.append(_failed_row(item, failed, time.perf_counter() - turn_started))
                    continue
                seconds = round(time.perf_counter() - turn_started, 2)
                state = await consult.values(thread)
                evidence = state.get("evidence") or []
                contexts = [e.text for e in evidence]
                references = [texts[c] for c in item.reference_chunks]
                answer = str(result.get("answer") or "")
                final = state.get("answer")
                body = final.body if final else ""
                quoted = [
                    evidence[q.n - 1].chunk_id
                    for part in (final.parts if final else [])
                    for q in part.quotes
                    if 1 <= q.n <= len(evidence)
                ]
                scores, errors = await _score(
                    item,
                    body,
                    contexts,
                    references,
                    metrics,
                    settings.embedding_languages,
                    quoted,
                )
                rows.append(
                    AnswerRow(
                        id=item.id,
                        lang=item.lang,
                        question=item.question,
                        answer=answer,
                        contexts=[e.chunk_id for e in evidence],
                        quoted=list(dict.fromkeys(quoted)),
                        reference_chunks=item.reference_chunks,
                        scores=scores,
                        errors=errors,
                        seconds=seconds,
                    )
                )
    skipped = {m: "skipped: no judge" for m in JUDGED} if judge.config is None else None
    return AnswerReport(
        data=data,
        model=model_id,
        judge=f"{judge_model} @ {judge.config.base_urls[0]}" if judge.config else None,
        judge_note=judge.note,
        embedding_model=settings.embedding_model,
        questions=len(rows),
        seconds=round(time.perf_counter() - started, 1),
        metrics=aggregate(rows, (*NON_LLM, *JUDGED), skipped),
        items=rows,
    )


def format_report(report: AnswerReport) -> str:
    """A Markdown table (per metric: mean, scored, missed) under a one-line header."""
    lines = [
        f"model: {report.model} · judge: {report.judge or 'none'} · "
        f"{report.questions} questions · {report.seconds:.1f} s",
        "",
        "| metric | mean | scored | missed | note |",
        "|---|---|---|---|---|",
    ]
    for m in report.metrics:
        mean = f"{m.mean:.3f}" if m.mean is not None else "-"
        lines.append(f"| {m.metric} | {mean} | {m.scored} | {m.missed} | {m.note} |")
    return "\n".join(lines)


async def _judge_model(settings: Settings, judge: JudgeChoice) -> str:
    """The judge's model name: configured, or the first one its endpoint serves."""
    from agents.llm import LLMError, chat_model

    if judge.config is None:
        return ""
    client = chat_model("judge", settings)
    try:
        return await client.model_id()
    except LLMError as exc:
        raise ValueError(f"judge unavailable: {exc}") from None
    finally:
        await client.aclose()


async def _run(args: argparse.Namespace) -> int:
    from evals.rag_items import load_items
    from tools.settings import get_settings

    settings = get_settings()
    items = load_items(args.data)[: args.limit]
    judge = choose_judge(settings)
    judge_model = await _judge_model(settings, judge)  # fail before an hour of answers
    report = await evaluate_answers(
        items, settings, judge=judge, judge_model=judge_model, data=str(args.data)
    )
    payload = report.model_dump()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
        print(report.judge_note, file=sys.stderr)
    else:
        print(format_report(report))
        print(report.judge_note)
    return 0


def run(args: argparse.Namespace) -> int:
    """The CLI's answer-level evaluation; every known failure is one line on stderr."""
    from pydantic import ValidationError

    from graphs.errors import user_message
    from tools.settings import setting_error

    try:
        return asyncio.run(_run(args))
    except ValidationError as exc:
        message = setting_error(exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # known failures become one line; a bug still surfaces
        known = str(exc) if isinstance(exc, ValueError) else user_message(exc)
        if known is None:
            raise
        message = known
    print(f"error: {message}", file=sys.stderr)
    return 2
