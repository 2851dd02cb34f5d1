"""``python -m agents.llm`` as a user runs it (subprocess, embedded model, no network)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SPINE_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "agents.llm", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=clean,
    )


def test_help_lists_the_options() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "--json-schema" in result.stdout and "--stream" in result.stdout


GREEDY = ("Where is the L5-S1 disc?", "--temperature", "0")


def test_prints_a_completion_from_the_embedded_model() -> None:
    short = run_cli(*GREEDY, "--max-tokens", "4")
    long = run_cli(*GREEDY, "--max-tokens", "16")
    assert short.returncode == 0 and long.returncode == 0, short.stderr + long.stderr
    # greedy decoding: the 4-token completion is where the 16-token one starts
    assert short.stdout.strip() and long.stdout.startswith(short.stdout.strip())
    assert len(long.stdout.strip()) > len(short.stdout.strip())


def test_stream_prints_the_same_text_as_a_completion() -> None:
    streamed = run_cli(*GREEDY, "--max-tokens", "16", "--stream")
    whole = run_cli(*GREEDY, "--max-tokens", "16")
    assert streamed.returncode == 0 and whole.returncode == 0, streamed.stderr + whole.stderr
    assert streamed.stdout.strip() and streamed.stdout == whole.stdout


def test_json_schema_output_is_validated_json(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "level": {"enum": ["L4-L5", "L5-S1"]},
            "needs_mri": {"type": "boolean"},
        },
        "required": ["level", "needs_mri"],
    }
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(schema))
    result = run_cli("Sciatica down the back of the leg to the sole.", "--json-schema", str(path))
    assert result.returncode == 0, result.stderr
    jsonschema.validate(json.loads(result.stdout), schema)


def test_dead_endpoint_is_one_line_naming_it() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    result = run_cli(
        "hello", SPINE_LLM_BASE_URL=url, SPINE_LLM_MAX_RETRIES="1", SPINE_LLM_MODEL="spinegpt"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and url in lines[0]


def test_bad_setting_is_one_line() -> None:
    result = run_cli("hello", SPINE_LLM_BASE_URL="gpu-node:8000")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: invalid setting llm_base_url: Value error, endpoint 'gpu-node:8000' must start "
        "with http:// or https://"
    ]


def test_invalid_schema_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"type": "objekt"}))
    result = run_cli("hello", "--json-schema", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: not a valid JSON schema:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_schema_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("hello", "--json-schema", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.json" in lines[0]


@pytest.mark.vllm
def test_cli_against_a_real_vllm_server(tmp_path: Path) -> None:
    url = os.environ.get("SPINE_TEST_VLLM_URL")
    if not url:
        pytest.fail("needs SPINE_TEST_VLLM_URL: run scripts/vllm_integration.sh")
    schema = {
        "type": "object",
        "properties": {"level": {"enum": ["L4-L5", "L5-S1"]}},
        "required": ["level"],
    }
    path = tmp_path / "level.json"
    path.write_text(json.dumps(schema))
    env = {"SPINE_LLM_BASE_URL": url}
    plain = run_cli("Where is the L5-S1 disc?", "--max-tokens", "16", **env)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip()
    structured = run_cli("Which level is the lumbosacral disc?", "--json-schema", str(path), **env)
    assert structured.returncode == 0, structured.stderr
    jsonschema.validate(json.loads(structured.stdout), schema)
