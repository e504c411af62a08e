"""The registry of labs and appraisal bodies: a scope entry covers its whole
subtree of product categories (仲裁检验鉴定办法第三条: within its authorised scope)."""

from __future__ import annotations

import pytest

from arbitration.models import Lab
from arbitration.selectors import labs_covering
from core.models import ProductCategory
from tests.arbitration.helpers import make_lab

pytestmark = pytest.mark.usefixtures("postgres")


def test_a_scope_on_a_parent_covers_its_descendants_and_nothing_else() -> None:
    food = make_lab("food")
    dairy_only = make_lab("food-dairy")
    ebikes = make_lab("ebike")
    dairy = ProductCategory.objects.get(code="food-dairy")
    liquor = ProductCategory.objects.get(code="food-liquor")
    battery = ProductCategory.objects.get(code="ebike-batteries-lithium")
    assert food.covers(dairy) and food.covers(liquor)
    assert dairy_only.covers(dairy) and not dairy_only.covers(liquor)
    assert not dairy_only.covers(ProductCategory.objects.get(code="food"))
    assert ebikes.covers(battery) and not ebikes.covers(dairy)
    assert set(labs_covering(category=dairy)) == {food, dairy_only}
    assert set(labs_covering(category=battery)) == {ebikes}


def test_a_sibling_with_a_common_prefix_is_not_covered() -> None:
    # "food-dairy" must not cover a code that only starts with the same letters.
    lab = make_lab("food-dairy")
    parent = ProductCategory.objects.get(code="food")
    lookalike = ProductCategory.objects.create(
        code="food-dairy-like", name="类乳饮料", parent=parent
    )
    assert not lab.covers(lookalike)
    assert lab not in labs_covering(category=lookalike)


def test_inactive_labs_and_other_kinds_are_not_offered() -> None:
    dairy = ProductCategory.objects.get(code="food-dairy")
    active = make_lab("food")
    make_lab("food", active=False)
    body = make_lab("food", kind=Lab.Kind.APPRAISAL_BODY)
    assert list(labs_covering(category=dairy, kind=Lab.Kind.LAB)) == [active]
    assert list(labs_covering(category=dairy, kind=Lab.Kind.APPRAISAL_BODY)) == [body]


def test_scope_lookup_is_one_query(django_assert_num_queries: object) -> None:
    make_lab("food")
    dairy = ProductCategory.objects.get(code="food-dairy")
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(list(labs_covering(category=dairy))) == 1
