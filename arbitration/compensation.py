"""The statutory compensation calculator: pure functions over the rules in
reference_data/statutory_compensation.json (docs/legal-basis.md §6).

The figure is a suggestion shown to the mediator with its legal basis, never
a decision: mediation is voluntary and the parties may agree on any amount.

- 消费者权益保护法第五十五条第一款: refund of the price plus additional
  compensation of three times the price; additional compensation below ¥500
  is ¥500.
- 消费者权益保护法第五十五条第二款: damages plus punitive damages of up to
  twice the loss.
- 食品安全法第一百四十八条第二款: besides damages, ten times the price or three
  times the loss, whichever the consumer claims (the larger is suggested);
  below ¥1,000 it is ¥1,000; none for a flaw of the label or instructions that
  neither affects food safety nor misleads the consumer.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "reference_data" / "statutory_compensation.json"
CENT = Decimal("0.01")
ZERO = Decimal("0")
LABEL_FLAW = "label_flaw"


@dataclass(frozen=True)
class Rule:
    code: str
    citation: str
    citation_en: str
    label: str
    label_en: str
    #: The price is refunded on top of the punitive part.
    refund_price: bool
    #: The loss is compensated on top of the punitive part.
    damages_from_loss: bool
    #: Punitive part: the largest of multiplier × base, base "price" or "loss".
    multipliers: dict[str, Decimal]
    #: Least punitive part, or None.
    floor: Decimal | None
    #: The punitive part is an upper bound ("up to"), not a fixed figure.
    punitive_is_maximum: bool
    exemption: str

    @property
    def basis(self) -> str:
        lang = get_language() or ""
        return self.citation_en if lang.startswith("en") else self.citation

    @property
    def display_label(self) -> str:
        lang = get_language() or ""
        return self.label_en if lang.startswith("en") else self.label


@dataclass(frozen=True)
class Suggestion:
    rule: Rule
    refund: Decimal
    damages: Decimal
    punitive: Decimal
    total: Decimal
    floor_applied: bool
    exempt: bool

    @property
    def basis(self) -> str:
        return self.rule.basis

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code,
            "basis": self.rule.basis,
            "label": self.rule.display_label,
            "refund": self.refund,
            "damages": self.damages,
            "punitive": self.punitive,
            "punitive_is_maximum": self.rule.punitive_is_maximum,
            "total": self.total,
            "floor": self.rule.floor,
            "floor_applied": self.floor_applied,
            "exempt": self.exempt,
        }


def _rule(row: dict[str, Any]) -> Rule:
    return Rule(
        code=row["code"],
        citation=row["citation"],
        citation_en=row["citation_en"],
        label=row["label"],
        label_en=row["label_en"],
        refund_price=bool(row["refund_price"]),
        damages_from_loss=bool(row["damages_from_loss"]),
        multipliers={k: Decimal(v) for k, v in row["multipliers"].items()},
        floor=Decimal(row["floor"]) if row["floor"] else None,
        punitive_is_maximum=bool(row["punitive_is_maximum"]),
        exemption=row["exemption"],
    )


@functools.cache
def rules() -> dict[str, Rule]:
    with DATA.open(encoding="utf-8") as fh:
        rows = json.load(fh)["rules"]
    return {row["code"]: _rule(row) for row in rows}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def label_exempt(*, label_flaw: bool, affects_safety: bool, misleads: bool) -> bool:
    """食品安全法第一百四十八条第二款但书: a flaw of the label or instructions only,
    which neither affects food safety nor misleads the consumer."""
    return label_flaw and not affects_safety and not misleads


def statutory_compensation(
    *,
    rule: str,
    price: Decimal,
    loss: Decimal = ZERO,
    label_flaw: bool = False,
    affects_safety: bool = False,
    misleads: bool = False,
) -> Suggestion:
    """The statutory figure under `rule` for goods bought for `price` (the
    whole price paid) that caused `loss` (the consumer's proven loss)."""
    spec = rules().get(rule)
    if spec is None:
        raise KeyError(rule)
    if price < 0 or loss < 0:
        raise ValueError("price and loss cannot be negative")
    bases = {"price": price, "loss": loss}
    exempt = spec.exemption == LABEL_FLAW and label_exempt(
        label_flaw=label_flaw, affects_safety=affects_safety, misleads=misleads
    )
    punitive = max((m * bases[base] for base, m in spec.multipliers.items()), default=ZERO)
    floor_applied = False
    if exempt:
        punitive = ZERO
    elif spec.floor is not None and punitive < spec.floor:
        punitive, floor_applied = spec.floor, True
    refund = price if spec.refund_price else ZERO
    damages = loss if spec.damages_from_loss else ZERO
    punitive = _money(punitive)
    return Suggestion(
        rule=spec,
        refund=_money(refund),
        damages=_money(damages),
        punitive=punitive,
        total=_money(refund + damages + punitive),
        floor_applied=floor_applied,
        exempt=exempt,
    )
