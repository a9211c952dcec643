"""Exact splitting of money: integer fen, largest remainder, so parts always sum to the whole."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

FEN_PER_WAN = 1_000_000  # 1 万元 = 1,000,000 fen (the inventory stores money as integer fen)


def to_fen(amount: Decimal) -> int:
    fen = amount * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is finer than a fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_WAN).quantize(Decimal("0.000001"))


def split_fen(total: int, weights: Sequence[float | int | Fraction | Decimal]) -> list[int]:
    """``total`` fen split in proportion to ``weights`` (equal shares when all weights are zero);
    the remainder goes to the largest fractional parts, ties to the earliest, so it is deterministic."""
    if not weights:
        if total:
            raise ValueError("cannot split a non-zero amount over nothing")
        return []
    ws = [Fraction(w) if not isinstance(w, float) else Fraction(w).limit_denominator(10**12) for w in weights]
    if any(w < 0 for w in ws):
        raise ValueError("negative weight")
    s = sum(ws)
    if s == 0:
        ws, s = [Fraction(1)] * len(ws), Fraction(len(ws))
    exact = [total * w / s for w in ws]
    parts = [int(x // 1) for x in exact]
    rest = total - sum(parts)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def split_exact(amount: Decimal, weights: Sequence[float | int | Fraction | Decimal]) -> list[Decimal]:
    return [from_fen(f) for f in split_fen(to_fen(amount), weights)]
