"""Triage in layers, as the consult graph runs it: rules, then the nets that may only escalate.

:class:`Screen` holds the layers the settings ask for; the consult graph's first step runs
``Screen.aassess`` over every user turn so far. The rules always run; a layer that cannot run (the
embedding model missing, a dead endpoint) is skipped with one warning line, never an exception to
the user.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agents.triage.engine import assess
from agents.triage.model_check import ModelCheck
from agents.triage.models import Triage, decide
from agents.triage.similarity import SimilarityNet
from tools.settings import Settings, get_settings

__all__ = ["Screen"]

log = logging.getLogger(__name__)


class Screen:
    """The rule layer plus an optional similarity net and model check (escalation only)."""

    def __init__(self, net: SimilarityNet | None = None, check: ModelCheck | None = None) -> None:
        self.net = net
        self.check = check

    @classmethod
    def from_settings(cls, settings: Settings | None = None, model: Any = None) -> Screen:
        """The layers ``settings`` ask for; ``model`` is the graph's ChatModel (for the check)."""
        settings = settings or get_settings()
        net = None
        if settings.triage_similarity:
            from tools.embedding import get_embedder

            net = SimilarityNet(
                get_embedder(settings.embedding_model),
                embed_zh="zh" in settings.embedding_languages,
                cache_dir=settings.home / "cache" / "triage",
            )
        check = None
        if settings.triage_model_check and model is not None and not model.config.embedded:
            check = ModelCheck(model, timeout_s=min(settings.llm_timeout_s, 30.0))
        return cls(net, check)

    @property
    def layers(self) -> list[str]:
        """Names of the layers that run."""
        return ["rules"] + ["similarity"] * bool(self.net) + ["model"] * bool(self.check)

    def _net(self, text: str) -> list[Any]:
        if self.net is None:
            return []
        from tools.embedding import EmbeddingError

        try:
            return self.net.find(text)
        except EmbeddingError as exc:
            log.warning("triage similarity net skipped: %s", exc)
            return []

    def assess(self, text: str) -> Triage:
        """Rules and similarity net (the model check needs :meth:`aassess`)."""
        return decide(assess(text).reasons, self._net(text))

    async def aassess(self, text: str) -> Triage:
        """Every layer; the net runs in a worker thread while the model is asked."""
        rules = assess(text)
        if self.net is None and self.check is None:
            return rules
        net_flags, model_flags = await asyncio.gather(
            asyncio.to_thread(self._net, text),
            self.check.find(text) if self.check else asyncio.sleep(0, result=[]),
        )
        return decide(rules.reasons, net_flags, model_flags)
