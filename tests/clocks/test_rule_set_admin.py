"""Rule sets in force are immutable in the admin: cases are pinned to them and
an edit would move their deadlines. A change of rules is a new version,
copied with all its clock rules and grounds, edited before it takes effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.admin.rules import ClockRuleInline, GroundInline, RuleSetAdmin, RuleSetForm
from core.models import ClockRule, Ground, RuleSet
from core.services.rule_sets import rule_set_copy, rule_set_is_in_force, rule_set_next_code

CLOCK_FIELDS = ["kind", "amount", "unit", "pauses_for_inspection", "source"]
GROUND_FIELDS = ["kind", "code", "label", "label_en", "source", "sort_order"]


def login(*, language: str = "en", **user: Any) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user(**user))
    # Messages are asserted in English unless a test asks for Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def admin_client_(postgres: None) -> Client:
    return login(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def in_force(postgres: None) -> RuleSet:
    """Order 121, loaded by the migrations, in force since 2026-04-15."""
    rule_set = RuleSet.objects.get(code="order-121")
    assert rule_set_is_in_force(rule_set)
    assert rule_set.clocks.exists() and rule_set.grounds.exists()
    return rule_set


@pytest.fixture
def future(in_force: RuleSet) -> RuleSet:
    root = get_user_model()(is_superuser=True, is_active=True)
    return rule_set_copy(
        rule_set=in_force, actor=root, effective_from=timezone.localdate() + dt.timedelta(days=30)
    )


def snapshot(rule_set: RuleSet) -> tuple[Any, ...]:
    """Every stored value of the rule set and of its rows."""
    fresh = RuleSet.objects.filter(pk=rule_set.pk).values().first()
    clocks = list(ClockRule.objects.filter(rule_set=rule_set).order_by("pk").values())
    grounds = list(Ground.objects.filter(rule_set=rule_set).order_by("pk").values())
    return fresh, clocks, grounds


def rows(rule_set: RuleSet) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rule set's clock rules and grounds without their ids, comparable
    between a rule set and its copy."""

    def plain(qs: Any) -> list[dict[str, Any]]:
        values = [{k: v for k, v in r.items() if k not in {"id", "rule_set_id"}} for r in qs]
        return sorted(values, key=lambda r: sorted((k, str(v)) for k, v in r.items()))

    return (
        plain(ClockRule.objects.filter(rule_set=rule_set).values()),
        plain(Ground.objects.filter(rule_set=rule_set).values()),
    )


def change_data(rule_set: RuleSet, **fields: str) -> dict[str, Any]:
    """The change form as the admin page posts it, unchanged but for `fields`."""
    data: dict[str, Any] = {
        "code": rule_set.code,
        "name": rule_set.name,
        "name_en": rule_set.name_en,
        "effective_from": rule_set.effective_from.isoformat(),
        "source": rule_set.source,
        **fields,
    }
    for prefix, model, names in (
        ("clocks", ClockRule, CLOCK_FIELDS),
        ("grounds", Ground, GROUND_FIELDS),
    ):
        items = list(model.objects.filter(rule_set=rule_set).order_by("pk"))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(items))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(items))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, item in enumerate(items):
            data[f"{prefix}-{i}-id"] = str(item.pk)
            data[f"{prefix}-{i}-rule_set"] = str(rule_set.pk)
            for name in names:
                value = getattr(item, name)
                if value is True:
                    data[f"{prefix}-{i}-{name}"] = "on"
                elif value is not False:
                    data[f"{prefix}-{i}-{name}"] = str(value)
    return data


def edit_everything(rule_set: RuleSet) -> dict[str, Any]:
    """A POST that renames the set, lengthens a clock, deletes a ground and
    adds a clock rule."""
    data = change_data(rule_set, name="改过的名称")
    data["clocks-0-amount"] = str(int(data["clocks-0-amount"]) + 5)
    data["grounds-0-DELETE"] = "on"
    n = int(data["clocks-TOTAL_FORMS"])
    data["clocks-TOTAL_FORMS"] = str(n + 1)
    data.update(
        {
            f"clocks-{n}-rule_set": str(rule_set.pk),
            f"clocks-{n}-kind": "new-clock",
            f"clocks-{n}-amount": "9",
            f"clocks-{n}-unit": "calendar",
            f"clocks-{n}-source": "test",
        }
    )
    return data


def change_url(rule_set: RuleSet) -> str:
    return reverse("admin:core_ruleset_change", args=[rule_set.pk])


# --- Rule sets in force are read-only ------------------------------------------------


def test_in_force_change_page_is_read_only_and_says_why(
    admin_client_: Client, in_force: RuleSet
) -> None:
    response = admin_client_.get(change_url(in_force))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    body = response.content.decode()
    assert "This rule set is in force and cannot be changed" in body
    assert 'name="name"' not in body and 'name="_save"' not in body
    for formset in response.context["inline_admin_formsets"]:
        assert not formset.has_add_permission
        assert not formset.has_change_permission
        assert not formset.has_delete_permission
        assert 'name="clocks-0-amount"' not in body and "DELETE" not in body
    # The button to copy it is there.
    assert reverse("admin:core_ruleset_new_version", args=[in_force.pk]) in body


def test_in_force_notice_is_in_chinese_by_default(in_force: RuleSet) -> None:
    client = login(language="zh-hans", username="root-zh", is_staff=True, is_superuser=True)
    body = client.get(change_url(in_force)).content.decode()
    assert "此规则版本已生效，不能修改；请从它创建新版本。" in body
    assert "从此版本创建新版本" in body


def test_edit_of_an_in_force_rule_set_changes_nothing(
    admin_client_: Client, in_force: RuleSet
) -> None:
    before = snapshot(in_force)
    response = admin_client_.post(change_url(in_force), edit_everything(in_force))
    assert response.status_code == 403
    assert snapshot(in_force) == before


def test_a_future_rule_set_stays_editable(admin_client_: Client, future: RuleSet) -> None:
    page = admin_client_.get(change_url(future))
    assert page.context["has_change_permission"] is True
    assert "in force and cannot be changed" not in page.content.decode()
    clocks_before = future.clocks.count()
    first_clock = future.clocks.order_by("pk").first()
    first_ground = future.grounds.order_by("pk").first()
    assert first_clock is not None and first_ground is not None
    response = admin_client_.post(change_url(future), edit_everything(future))
    assert response.status_code == 302, response.context and response.context["errors"]
    future.refresh_from_db()
    first_clock.refresh_from_db()
    assert future.name == "改过的名称"
    assert (
        first_clock.amount
        == ClockRule.objects.get(rule_set__code="order-121", kind=first_clock.kind).amount + 5
    )
    assert not Ground.objects.filter(pk=first_ground.pk).exists()
    assert future.clocks.count() == clocks_before + 1
    assert future.clocks.filter(kind="new-clock", amount=9).exists()


@pytest.mark.parametrize(
    ("model", "fields"),
    [(ClockRule, {"amount": "99"}), (Ground, {"label": "改过的理由"})],
)
def test_standalone_rows_of_an_in_force_rule_set_are_read_only(
    admin_client_: Client, in_force: RuleSet, model: Any, fields: dict[str, str]
) -> None:
    name = model._meta.model_name
    row = model.objects.filter(rule_set=in_force).order_by("pk").first()
    before = snapshot(in_force)
    url = reverse(f"admin:core_{name}_change", args=[row.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "The rule set of this row is in force" in page.content.decode()
    data = {
        f.name: str(getattr(row, f.attname))
        for f in model._meta.concrete_fields
        if f.name != "id" and getattr(row, f.attname) is not False
    }
    data.update(fields)
    assert admin_client_.post(url, data).status_code == 403
    delete_url = reverse(f"admin:core_{name}_delete", args=[row.pk])
    assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
    admin_client_.post(
        reverse(f"admin:core_{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    # Adding a row to it: the rule set is not among the choices.
    data["kind"] = data["code"] = "another-one"
    added = admin_client_.post(reverse(f"admin:core_{name}_add"), data)
    assert added.status_code == 200
    assert "rule_set" in added.context["adminform"].form.errors
    assert snapshot(in_force) == before


def test_standalone_rows_of_a_future_rule_set_are_editable(
    admin_client_: Client, future: RuleSet
) -> None:
    row = future.clocks.order_by("pk").first()
    assert row is not None
    data = {
        f.name: str(getattr(row, f.attname))
        for f in ClockRule._meta.concrete_fields
        if f.name != "id" and getattr(row, f.attname) is not False
    }
    data["amount"] = "77"
    url = reverse("admin:core_clockrule_change", args=[row.pk])
    assert admin_client_.post(url, data).status_code == 302
    row.refresh_from_db()
    assert row.amount == 77


# --- Deleting -----------------------------------------------------------------------


def test_deleting_an_in_force_rule_set_is_refused(admin_client_: Client, in_force: RuleSet) -> None:
    before = snapshot(in_force)
    url = reverse("admin:core_ruleset_delete", args=[in_force.pk])
    assert admin_client_.get(url).status_code == 403
    assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    admin_client_.post(
        reverse("admin:core_ruleset_changelist"),
        {"action": "delete_selected", "_selected_action": [in_force.pk], "post": "yes"},
    )
    assert snapshot(in_force) == before


def test_a_future_rule_set_can_be_deleted(admin_client_: Client, future: RuleSet) -> None:
    url = reverse("admin:core_ruleset_delete", args=[future.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    assert not RuleSet.objects.filter(pk=future.pk).exists()
    assert not ClockRule.objects.filter(rule_set_id=future.pk).exists()


# --- New version ----------------------------------------------------------------------


def test_new_version_action_copies_every_rule_and_ground(
    admin_client_: Client, in_force: RuleSet
) -> None:
    response = admin_client_.post(
        reverse("admin:core_ruleset_changelist"),
        {"action": "new_version", "_selected_action": [in_force.pk]},
    )
    copy = RuleSet.objects.get(code="order-121-v2")
    assert response.status_code == 302
    assert response["Location"] == change_url(copy)
    assert copy.effective_from == timezone.localdate() + dt.timedelta(days=1)
    assert copy.name.startswith(in_force.name) and copy.name != in_force.name
    assert copy.name_en.startswith(in_force.name_en) and copy.name_en != in_force.name_en
    assert copy.source == in_force.source
    assert rows(copy) == rows(in_force)
    assert len(rows(copy)[0]) == in_force.clocks.count() > 0
    assert len(rows(copy)[1]) == in_force.grounds.count() > 0
    # The copy is editable; the original is untouched.
    before = snapshot(in_force)
    page = admin_client_.get(change_url(copy))
    assert page.context["has_change_permission"] is True
    edited = admin_client_.post(change_url(copy), change_data(copy, name="2027 年新规则"))
    assert edited.status_code == 302
    copy.refresh_from_db()
    assert copy.name == "2027 年新规则"
    assert snapshot(in_force) == before


def test_the_change_page_button_copies_and_suggests_the_next_free_code_and_day(
    admin_client_: Client, in_force: RuleSet
) -> None:
    url = reverse("admin:core_ruleset_new_version", args=[in_force.pk])
    assert admin_client_.get(url).status_code == 405
    first = admin_client_.post(url)
    second = admin_client_.post(url)
    v2, v3 = RuleSet.objects.get(code="order-121-v2"), RuleSet.objects.get(code="order-121-v3")
    assert first["Location"] == change_url(v2) and second["Location"] == change_url(v3)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # Two sets cannot start on the same day: the second copy takes the next one.
    assert (v2.effective_from, v3.effective_from) == (tomorrow, tomorrow + dt.timedelta(days=1))
    assert rows(v3) == rows(in_force)
    # Copying a version continues its numbering.
    assert rule_set_next_code("order-121-v3") == "order-121-v4"
    assert rule_set_next_code("x" * 40).endswith("-v2") and len(rule_set_next_code("x" * 40)) == 40


def test_new_version_needs_add_permission(postgres: None, in_force: RuleSet) -> None:
    client = login(username="viewer", is_staff=True)
    user = get_user_model().objects.get(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_ruleset"))
    page = client.get(change_url(in_force))
    assert page.status_code == 200
    url = reverse("admin:core_ruleset_new_version", args=[in_force.pk])
    assert url not in page.content.decode()
    listing = client.get(reverse("admin:core_ruleset_changelist"))
    assert "new_version" not in listing.content.decode()
    count = RuleSet.objects.count()
    assert client.post(url).status_code == 403
    client.post(
        reverse("admin:core_ruleset_changelist"),
        {"action": "new_version", "_selected_action": [in_force.pk]},
    )
    assert RuleSet.objects.count() == count


def test_new_version_action_wants_exactly_one(admin_client_: Client, in_force: RuleSet) -> None:
    count = RuleSet.objects.count()
    everything = list(RuleSet.objects.values_list("pk", flat=True))
    response = admin_client_.post(
        reverse("admin:core_ruleset_changelist"),
        {
            "action": "new_version",
            "_selected_action": everything,
        },
        follow=True,
    )
    assert "Select exactly one rule set to copy." in response.content.decode()
    assert RuleSet.objects.count() == count


# --- Validation -----------------------------------------------------------------------


def add_data(**fields: str) -> dict[str, Any]:
    data = {
        "code": "new-rules",
        "name": "新规则",
        "name_en": "New rules",
        "effective_from": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "source": "test",
        **fields,
    }
    for prefix in ("clocks", "grounds"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_two_rule_sets_cannot_start_the_same_day(admin_client_: Client, future: RuleSet) -> None:
    response = admin_client_.post(
        reverse("admin:core_ruleset_add"),
        add_data(effective_from=future.effective_from.isoformat()),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["effective_from"]
    assert len(errors) == 1
    assert "already takes effect on this date" in errors[0] and future.name in errors[0]
    assert not RuleSet.objects.filter(code="new-rules").exists()


@pytest.mark.parametrize("days", [0, -1, -400])
def test_a_new_or_changed_rule_set_must_take_effect_after_today(
    admin_client_: Client, future: RuleSet, days: int
) -> None:
    day = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    added = admin_client_.post(reverse("admin:core_ruleset_add"), add_data(effective_from=day))
    assert (
        "only take effect after today"
        in added.context["adminform"].form.errors["effective_from"][0]
    )
    assert not RuleSet.objects.filter(code="new-rules").exists()
    before = snapshot(future)
    changed = admin_client_.post(change_url(future), change_data(future, effective_from=day))
    assert changed.status_code == 200
    assert "effective_from" in changed.context["adminform"].form.errors
    assert snapshot(future) == before


def test_a_new_rule_set_with_a_free_future_day_is_added(admin_client_: Client) -> None:
    response = admin_client_.post(reverse("admin:core_ruleset_add"), add_data())
    assert response.status_code == 302
    assert RuleSet.objects.filter(code="new-rules").exists()


# --- The boundary ---------------------------------------------------------------------


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=-3000, max_value=3000))
def test_in_force_from_its_first_local_day(postgres: None, offset: int) -> None:
    """A rule set is locked exactly when it takes effect today or earlier
    (Asia/Shanghai date), and a form accepts exactly the dates after today."""
    today = timezone.localdate()
    rule_set = RuleSet(code="probe", effective_from=today + dt.timedelta(days=offset))
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_active=True, is_staff=True)
    locked = offset <= 0
    assert rule_set_is_in_force(rule_set) is locked
    from django.contrib import admin

    model_admin = RuleSetAdmin(RuleSet, admin.site)
    assert model_admin.has_change_permission(request, rule_set) is not locked
    assert model_admin.has_delete_permission(request, rule_set) is not locked
    for inline_class in (ClockRuleInline, GroundInline):
        inline = inline_class(RuleSet, admin.site)
        assert inline.has_add_permission(request, rule_set) is not locked
        assert inline.has_change_permission(request, rule_set) is not locked
        assert inline.has_delete_permission(request, rule_set) is not locked
    form = RuleSetForm(
        data={
            "code": "probe",
            "name": "探针",
            "effective_from": rule_set.effective_from.isoformat(),
            "source": "test",
        }
    )
    clash = RuleSet.objects.filter(effective_from=rule_set.effective_from).exists()
    assert form.is_valid() is (not locked and not clash)
