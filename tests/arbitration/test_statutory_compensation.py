"""The statutory calculator against figures worked from the statutes
(docs/legal-basis.md §6): 消费者权益保护法第五十五条第一款、第二款 and
食品安全法第一百四十八条第二款, floors and the label exemption included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbitration.compensation import rules, statutory_compensation

D = Decimal

NO_FLAW = (False, False, False)

# (rule, price, loss, label flaw / affects safety / misleads,
#  refund, damages, punitive, total, floor applied, exempt)
TABLE = [
    # 55(1): three times the price; additional compensation below ¥500 is ¥500.
    ("cpl-55-1", "100", "0", NO_FLAW, "100", "0", "500", "600", True, False),
    ("cpl-55-1", "166.66", "0", NO_FLAW, "166.66", "0", "500", "666.66", True, False),
    ("cpl-55-1", "166.67", "0", NO_FLAW, "166.67", "0", "500.01", "666.68", False, False),
    ("cpl-55-1", "1000", "0", NO_FLAW, "1000", "0", "3000", "4000", False, False),
    ("cpl-55-1", "0", "0", NO_FLAW, "0", "0", "500", "500", True, False),
    # 55(2): damages plus up to twice the loss; no floor.
    ("cpl-55-2", "3000", "10000", NO_FLAW, "0", "10000", "20000", "30000", False, False),
    ("cpl-55-2", "3000", "0", NO_FLAW, "0", "0", "0", "0", False, False),
    # 148(2): ten times the price or three times the loss, at least ¥1,000.
    ("fsl-148-2", "50", "0", NO_FLAW, "0", "0", "1000", "1000", True, False),
    ("fsl-148-2", "99.99", "0", NO_FLAW, "0", "0", "1000", "1000", True, False),
    ("fsl-148-2", "200", "0", NO_FLAW, "0", "0", "2000", "2000", False, False),
    ("fsl-148-2", "20", "1000", NO_FLAW, "0", "1000", "3000", "4000", False, False),
    ("fsl-148-2", "59.90", "120", NO_FLAW, "0", "120", "1000", "1120", True, False),
    # The exemption: a label flaw that neither affects safety nor misleads.
    ("fsl-148-2", "200", "0", (True, False, False), "0", "0", "0", "0", False, True),
    ("fsl-148-2", "50", "30", (True, False, False), "0", "30", "0", "30", False, True),
    # A label flaw that misleads, or that affects safety, is not exempt.
    ("fsl-148-2", "50", "0", (True, False, True), "0", "0", "1000", "1000", True, False),
    ("fsl-148-2", "200", "0", (True, True, False), "0", "0", "2000", "2000", False, False),
    # The exemption belongs to the food-safety law only.
    ("cpl-55-1", "100", "0", (True, False, False), "100", "0", "500", "600", True, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "price", "loss", "label", "refund", "damages", "punitive", "total", "floor", "exempt"),
    TABLE,
)
def test_figures_worked_from_the_statutes(
    rule: str,
    price: str,
    loss: str,
    label: tuple[bool, bool, bool],
    refund: str,
    damages: str,
    punitive: str,
    total: str,
    floor: bool,
    exempt: bool,
) -> None:
    flaw, safety, misleads = label
    s = statutory_compensation(
        rule=rule,
        price=D(price),
        loss=D(loss),
        label_flaw=flaw,
        affects_safety=safety,
        misleads=misleads,
    )
    assert (s.refund, s.damages, s.punitive, s.total) == (
        D(refund),
        D(damages),
        D(punitive),
        D(total),
    )
    assert (s.floor_applied, s.exempt) == (floor, exempt)


def test_every_rule_cites_its_statute_and_article() -> None:
    citations = {code: r.citation for code, r in rules().items()}
    assert citations == {
        "cpl-55-1": "消费者权益保护法第五十五条第一款",
        "cpl-55-2": "消费者权益保护法第五十五条第二款",
        "fsl-148-2": "食品安全法第一百四十八条第二款",
    }
    assert rules()["cpl-55-2"].punitive_is_maximum


def test_negative_amounts_and_unknown_rules_are_refused() -> None:
    with pytest.raises(ValueError):
        statutory_compensation(rule="cpl-55-1", price=D("-1"))
    with pytest.raises(KeyError):
        statutory_compensation(rule="no-such-rule", price=D("1"))


money = st.decimals(min_value=0, max_value=D("100000000"), places=2, allow_nan=False)


@given(
    rule=st.sampled_from(sorted(rules())),
    price=money,
    loss=money,
    flaw=st.booleans(),
    safety=st.booleans(),
    misleads=st.booleans(),
)
def test_the_suggestion_is_never_below_the_floor(
    rule: str, price: Decimal, loss: Decimal, flaw: bool, safety: bool, misleads: bool
) -> None:
    s = statutory_compensation(
        rule=rule, price=price, loss=loss, label_flaw=flaw, affects_safety=safety, misleads=misleads
    )
    floor = rules()[rule].floor
    if floor is not None and not s.exempt:
        assert s.punitive >= floor
        assert s.total >= floor
    assert s.total == s.refund + s.damages + s.punitive
    # Never less than what the multipliers alone give.
    if not s.exempt:
        assert s.punitive >= max(
            (m * {"price": price, "loss": loss}[b] for b, m in rules()[rule].multipliers.items())
        ).quantize(D("0.01"))
