from pathlib import Path

import pytest
from pydantic import ValidationError

from tools.settings import Settings, setting_error


def test_defaults_select_the_embedded_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_HOME", "~/somewhere")
    settings = Settings()
    assert settings.home == Path("~/somewhere").expanduser()
    llm = settings.backend("llm")
    assert llm.embedded and llm.base_urls == []
    assert settings.backend("judge").embedded


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://a:8000/v1", ["http://a:8000/v1"]),
        ("http://a:8000/v1/, https://b/v1 ,", ["http://a:8000/v1", "https://b/v1"]),
        ("", []),
    ],
)
def test_base_url_is_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str]
) -> None:
    monkeypatch.setenv("SPINE_LLM_BASE_URL", raw)
    assert Settings().llm_base_url == expected


def test_base_url_without_scheme_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_LLM_BASE_URL", "gpu-node:8000")
    with pytest.raises(ValidationError, match="must start with http"):
        Settings()


def test_judge_falls_back_to_the_llm_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_LLM_BASE_URL", "http://gen/v1")
    monkeypatch.setenv("SPINE_LLM_MODEL", "spinegpt")
    monkeypatch.setenv("SPINE_LLM_API_KEY", "k1")
    judge = Settings().backend("judge")
    assert judge.base_urls == ["http://gen/v1"]
    assert judge.model == "spinegpt" and judge.api_key == "k1"
    assert judge.temperature == 0.0


def test_judge_settings_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_LLM_BASE_URL", "http://gen/v1")
    monkeypatch.setenv("SPINE_LLM_MODEL", "spinegpt")
    monkeypatch.setenv("SPINE_JUDGE_BASE_URL", "http://judge-a/v1,http://judge-b/v1")
    monkeypatch.setenv("SPINE_JUDGE_API_KEY", "k2")
    monkeypatch.setenv("SPINE_JUDGE_CONCURRENCY", "4")
    monkeypatch.setenv("SPINE_LLM_CONCURRENCY", "64")
    settings = Settings()
    judge, llm = settings.backend("judge"), settings.backend("llm")
    assert judge.base_urls == ["http://judge-a/v1", "http://judge-b/v1"]
    assert judge.model is None  # discovered from the judge server, never the generator's name
    assert judge.api_key == "k2" and judge.concurrency == 4
    assert llm.concurrency == 64 and llm.api_key is None


def test_out_of_range_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_LLM_MAX_RETRIES", "-1")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert setting_error(caught.value) == (
        "invalid setting llm_max_retries: Input should be greater than or equal to 0"
    )


def test_api_key_is_not_printed() -> None:
    settings = Settings(llm_api_key="secret-token")
    assert "secret-token" not in repr(settings)


def test_embedded_instances_and_threads_split_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    auto = Settings()
    assert auto.embedded_instances_or_default() == 2 and auto.embedded_threads_or_default() == 4
    one = Settings(embedded_instances=1)
    assert one.embedded_threads_or_default() == 8
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert Settings().embedded_instances_or_default() == 1
