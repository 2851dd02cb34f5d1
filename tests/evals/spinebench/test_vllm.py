"""The runner against a real vLLM server (SPINE_TEST_VLLM_URL, started by
scripts/vllm_integration.sh): the OpenAI-compatible path, the model id as the server names it."""

import json
import os
from pathlib import Path

import pytest

from evals.spinebench.__main__ import main

from .test_run import mcq_dir

pytestmark = pytest.mark.vllm


def test_a_run_against_vllm_scores_and_resumes(tmp_path: Path) -> None:
    url = os.environ.get("SPINE_TEST_VLLM_URL")
    if not url:
        pytest.fail("needs SPINE_TEST_VLLM_URL: run scripts/vllm_integration.sh")
    data, out = mcq_dir(tmp_path / "data", 2), tmp_path / "run"
    # no --model: the runner learns the served name from GET /models (vLLM's --served-model-name)
    args = ["--data", str(data), "--out", str(out), "--model-base-url", url]
    args += ["--max-tokens", "24", "--concurrency", "2", "--no-progress"]
    assert main(args) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["model"] == os.environ.get("SPINE_TEST_VLLM_MODEL", "smollm2")
    assert results["run"]["asked"] == 2 and results["counts"]["text_mcq"] == 2
    assert results["run"]["completion_tokens"] > 0
    assert main(args) == 0
    assert json.loads((out / "results.json").read_text())["run"]["asked"] == 0
