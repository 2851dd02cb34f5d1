"""Red-flag triage of a spine consultation (English and Simplified Chinese), in layers.

- the **rules** (:func:`assess`): regular expressions kept as data, with negation, time,
  hypotheticals, questions and relatives understood; no model, well under a millisecond;
- the **similarity** net (:class:`SimilarityNet`): each sentence against a bank of red-flag and
  near-miss exemplar sentences, for wording nobody wrote a rule for;
- an optional **model check** (:class:`ModelCheck`) when a capable model endpoint is configured.

Later layers only add flags or raise levels (:func:`decide`). :class:`Screen` runs the layers
the settings ask for; the consult graph's ``triage`` node uses it.
"""

from agents.triage.engine import assess
from agents.triage.model_check import ModelCheck
from agents.triage.models import (
    CODES,
    LABELS,
    TRIAGE_VERSION,
    RedFlag,
    Triage,
    TriageLevel,
    decide,
)
from agents.triage.screen import Screen
from agents.triage.similarity import SimilarityNet

__all__ = [
    "CODES",
    "LABELS",
    "TRIAGE_VERSION",
    "ModelCheck",
    "RedFlag",
    "Screen",
    "SimilarityNet",
    "Triage",
    "TriageLevel",
    "assess",
    "decide",
]
