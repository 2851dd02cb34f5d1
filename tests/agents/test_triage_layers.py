"""agents.triage in layers: decide() only escalates, the similarity net (real MiniLM), the model
check (a dead endpoint; a real vLLM server under -m vllm), the CLI, the answer's lead."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents.triage import (
    CODES,
    ModelCheck,
    RedFlag,
    Screen,
    SimilarityNet,
    Triage,
    assess,
    decide,
)
from agents.triage.models import RANK, flag
from agents.triage.similarity import _TWO_FACTS, load_exemplars
from tools.embedding import get_embedder
from tools.settings import Settings

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def _flags(codes: tuple[str, ...], text: str = "x" * 40) -> list[RedFlag]:
    return [flag(code, text, i, i + 1) for i, code in enumerate(codes)]


@pytest.mark.parametrize(
    "first, second",
    [
        (a, b)
        for a, b in itertools.product(
            [(), ("motor_deficit",), ("fever",), ("cancer_history", "night_pain"), ("diabetes",)],
            [(), ("fever",), ("bilateral_sciatica",), ("myelopathy",), ("major_trauma",)],
        )
    ],
)
def test_a_second_layer_never_lowers_or_clears(first: tuple[str, ...], second: tuple[str, ...]):
    alone = decide(_flags(first))
    both = decide(alone.reasons, _flags(second, "y" * 40))
    assert RANK[both.level] >= RANK[alone.level]
    assert {r.code for r in alone.reasons} <= {r.code for r in both.reasons}
    kept = {r.code: r for r in both.reasons}
    for r in alone.reasons:  # the first layer's evidence and level stay (or rise)
        assert kept[r.code].evidence == r.evidence
        assert RANK[kept[r.code].level] >= RANK[r.level]


def test_combinations_apply_across_layers() -> None:
    rules = decide(_flags(("fever",)))
    net = _flags(("motor_deficit",), "y" * 40)
    result = decide(rules.reasons, net)
    assert result.level == "emergency"
    assert {r.level for r in result.reasons} == {"emergency"}


def test_diabetes_alone_is_a_routine_note() -> None:
    result = assess("I'm a type 2 diabetic with low back ache after gardening.")
    assert result.level == "routine"
    assert [r.code for r in result.reasons] == ["diabetes"]


def test_rules_only_screen_is_the_rule_layer() -> None:
    screen = Screen()
    assert screen.layers == ["rules"]
    for text in ("numb bum since this morning", "腰痛三个月", "No fever."):
        assert screen.assess(text) == assess(text)


@pytest.fixture(scope="module")
def net() -> SimilarityNet:
    return SimilarityNet(get_embedder("all-MiniLM-L6-v2"))


def test_exemplar_bank_covers_every_flag_in_both_languages() -> None:
    bank = load_exemplars()
    expected = set(CODES) - {"diabetes"}
    assert set(bank.positive) == expected
    for code, by_lang in bank.positive.items():
        assert len(by_lang["en"]) >= 10 and len(by_lang["zh"]) >= 6, code
    assert len(bank.negative["en"]) >= 60 and len(bank.negative["zh"]) >= 30


def test_net_flags_its_own_exemplars_and_spares_its_near_misses(net: SimilarityNet) -> None:
    bank = load_exemplars()
    for code, by_lang in bank.positive.items():
        sentence = by_lang["en"][0]
        found = {f.code for f in net.find(sentence)}
        if code in _TWO_FACTS:  # an injury and the tingling: left to the rules
            assert code not in found, sentence
        else:
            assert code in found, sentence
    flagged = [s for s in bank.negative["en"] if net.find(s)]
    assert len(flagged) <= 0.02 * len(bank.negative["en"]), flagged


def test_net_evidence_is_a_clause_of_the_text(net: SimilarityNet) -> None:
    text = "Back pain for two weeks, and my pee only comes out in a dribble now."
    for f in net.find(text):
        assert f.layer == "similarity" and f.score is not None
        assert text[f.start : f.end] == f.evidence


def test_net_skips_questions_and_hypotheticals(net: SimilarityNet) -> None:
    for text in ("What if I can't feel my bottom?", "如果大小便失禁怎么办？"):
        assert net.find(text) == []


def test_every_vignette_screen_is_at_least_the_rules(net: SimilarityNet) -> None:
    screen = Screen(net)
    for path in sorted(DATA.glob("triage_vignettes*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            text = json.loads(line)["text"]
            rules, both = assess(text), screen.assess(text)
            assert RANK[both.level] >= RANK[rules.level], text
            assert {r.code for r in rules.reasons} <= {r.code for r in both.reasons}


def test_screen_from_settings_layers() -> None:
    assert Screen.from_settings(Settings(triage_similarity=False)).layers == ["rules"]
    assert Screen.from_settings(Settings()).layers == ["rules", "similarity"]


async def test_model_check_on_a_dead_endpoint_leaves_triage_to_the_rules() -> None:
    from agents.llm import chat_model

    settings = Settings(
        llm_base_url="http://127.0.0.1:9/v1",
        llm_model="none",
        llm_max_retries=0,
        llm_connect_timeout_s=0.5,
        triage_model_check=True,
        triage_similarity=False,
    )
    model = chat_model(settings=settings)
    screen = Screen.from_settings(settings, model)
    assert screen.layers == ["rules", "model"]
    text = "I haven't peed since yesterday."
    result = await screen.aassess(text)
    assert result == assess(text)
    await model.aclose()


@pytest.mark.vllm
async def test_model_check_on_a_real_server_only_adds_quoted_flags() -> None:
    from agents.llm import chat_model

    url = os.environ.get("SPINE_TEST_VLLM_URL")
    if not url:
        pytest.fail("needs SPINE_TEST_VLLM_URL: run scripts/vllm_integration.sh")
    settings = Settings(
        llm_base_url=url,
        llm_model=os.environ.get("SPINE_TEST_VLLM_MODEL"),
        llm_vision=False,
        triage_model_check=True,
        triage_similarity=False,
    )
    model = chat_model(settings=settings)
    check = ModelCheck(model)
    text = "Since last night I can't feel my bottom and I haven't been able to pee."
    flags = await check.find(text)
    for f in flags:  # the tiny model may find nothing; whatever it finds is quoted
        assert f.layer == "model" and text[f.start : f.end] == f.evidence
    screen = Screen.from_settings(settings, model)
    result = await screen.aassess(text)
    assert result.level == "emergency"
    assert {r.code for r in assess(text).reasons} <= {r.code for r in result.reasons}
    await model.aclose()


def test_answer_lead_names_each_flag_with_the_patients_words() -> None:
    from agents.answer import AnswerPart, compose

    english = assess("Since yesterday I've had a numb bum and I haven't peed since last night.")
    body = [AnswerPart(kind="patient", heading="", text="Body.")]
    answer = compose(body, triage=english, evidence=[], lang="en").text
    assert answer.startswith("**Act now")
    assert "saddle anaesthesia (“numb bum”)" in answer
    chinese = assess("昨天开始屁股发木，小便费劲。")
    body = [AnswerPart(kind="patient", heading="", text="正文。")]
    answer = compose(body, triage=chinese, evidence=[], lang="zh").text
    assert "鞍区麻木（“屁股发木”）" in answer and "大小便功能障碍（“小便费劲”）" in answer


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SPINE_TRIAGE_SIMILARITY": "false"}
    return subprocess.run(
        [sys.executable, "-m", "agents.triage", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_prints_one_json_object_per_message() -> None:
    done = _cli("I can't feel my bottom since this morning", "腰痛三个月")
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert first["level"] == "emergency" and first["version"] == Triage(level="routine").version
    assert first["reasons"][0]["code"] == "saddle_anaesthesia"
    assert first["reasons"][0]["evidence"] == "can't feel my bottom"
    assert second["level"] == "routine" and first["layers"] == ["rules"]


def test_cli_reports_bad_lines_and_goes_on() -> None:
    stdin = b"numb down below\n\n\xff\xfe\x00junk\nfever 39\nbinary\x00\x01data\n"
    done = _cli(stdin=stdin)
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [x.get("level") or x["error"] for x in lines] == [
        "emergency",
        "empty message",
        "not UTF-8 text",
        "urgent",
        "binary data, not a message",
    ]
    assert b"line 2: error: empty message" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_missing_embedding_model_leaves_triage_to_the_rules(
    caplog: pytest.LogCaptureFixture,
) -> None:
    screen = Screen(SimilarityNet(get_embedder("/nonexistent/embedding-model")))
    text = "Since this morning I can't feel my bottom."
    assert screen.assess(text) == assess(text)
    assert "similarity net skipped" in caplog.text


def test_the_bank_is_embedded_once_per_model(tmp_path: Path) -> None:
    embedder = get_embedder("all-MiniLM-L6-v2")
    text = "Since the weekend I just don't feel the urge to pee at all."
    first = SimilarityNet(embedder, cache_dir=tmp_path)
    found = first.find(text)
    (cached,) = tmp_path.glob("exemplars-en-*.npy")
    second = SimilarityNet(embedder, cache_dir=tmp_path)
    assert second.find(text) == found
    cached.write_bytes(b"not an array")  # a damaged cache is embedded again
    assert SimilarityNet(embedder, cache_dir=tmp_path).find(text) == found
