"""The answers layer: every derived answer (graph, single-failure sweep, protection classes, SPOFs,
N-2 pairs, drift, the compliance report, the money report) for a given state of the database, with
one fingerprint, one cache and one invalidation rule (answers/cache.py). Front doors ask here."""

from .cache import FRESH_SECONDS, invalidate
from .snapshot import SWEEP_KINDS, Answers, ask, peek

__all__ = ["FRESH_SECONDS", "SWEEP_KINDS", "Answers", "ask", "invalidate", "peek"]
