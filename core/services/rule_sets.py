"""Rule sets are immutable once in force. Every case is pinned to the rule
set in force when it was received, and its deadlines are computed from that
set's clock rules for as long as the case is open; changing a set already in
force would silently move the deadlines of every case pinned to it. A change
of rules is therefore a new version with a future `effective_from`, copied
from the one in force and edited before it takes effect."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ClockRule, Ground, RuleSet

# Appended to the copied name so that a draft is never mistaken for the set
# it was copied from; the administrator renames it before it takes effect.
NAME_MARKER = "（新版本）"
NAME_EN_MARKER = " (new version)"

_VERSION_SUFFIX = re.compile(r"-v(\d+)$")

FUTURE_ONLY = _(
    "A rule set can only take effect after today: cases received up to today "
    "stay with the rule set in force."
)
DATE_TAKEN = _(
    "Rule set “%(name)s” already takes effect on this date; "
    "two rule sets cannot start on the same day."
)


def rule_set_is_in_force(rule_set: RuleSet, *, today: dt.date | None = None) -> bool:
    """In force from its first day (local date in Asia/Shanghai): cases received
    that day may already be pinned to it."""
    today = today or timezone.localdate()
    return rule_set.effective_from <= today


def rule_set_next_code(code: str) -> str:
    """`<code>-v2`, or the next free `-vN` after an existing version suffix
    (copying `x-v2` suggests `x-v3`, not `x-v2-v2`)."""
    max_length = RuleSet._meta.get_field("code").max_length or 40
    match = _VERSION_SUFFIX.search(code)
    base, n = (code[: match.start()], int(match.group(1)) + 1) if match else (code, 2)
    taken = set(RuleSet.objects.values_list("code", flat=True))
    while True:
        suffix = f"-v{n}"
        candidate = base[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def rule_set_next_free_date(*, after: dt.date) -> dt.date:
    """The first day after `after` on which no rule set takes effect yet
    (two sets can never start on the same day)."""
    taken = set(
        RuleSet.objects.filter(effective_from__gt=after).values_list("effective_from", flat=True)
    )
    day = after + dt.timedelta(days=1)
    while day in taken:
        day += dt.timedelta(days=1)
    return day


def _marked(text: str, marker: str, max_length: int | None) -> str:
    if not text or text.endswith(marker):
        return text
    max_length = max_length or len(text) + len(marker)
    return text[: max_length - len(marker)] + marker


def rule_set_copy(
    *,
    rule_set: RuleSet,
    actor: Any,
    code: str | None = None,
    effective_from: dt.date | None = None,
) -> RuleSet:
    """A new version of `rule_set` with all its clock rules and grounds, in one
    transaction. It takes effect tomorrow (or the next day no other set
    starts) unless `effective_from` says otherwise, which must be in the
    future: the copy is a draft the administrator edits before that day."""
    if actor is None or not actor.has_perm("core.add_ruleset"):
        raise PermissionDenied
    today = timezone.localdate()
    with transaction.atomic():
        # Serialises concurrent copies, which would otherwise pick the same
        # code or date and fail on the unique constraints.
        source = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if effective_from is None:
            effective_from = rule_set_next_free_date(after=today)
        errors: dict[str, Any] = {}
        other = RuleSet.objects.filter(effective_from=effective_from).first()
        if effective_from <= today:
            errors["effective_from"] = ValidationError(FUTURE_ONLY, code="past")
        elif other is not None:
            errors["effective_from"] = ValidationError(
                DATE_TAKEN, code="unique", params={"name": str(other)}
            )
        code = code or rule_set_next_code(source.code)
        if RuleSet.objects.filter(code=code).exists():
            errors["code"] = _("A rule set with this code already exists.")
        if errors:
            raise ValidationError(errors)
        copy = RuleSet.objects.create(
            code=code,
            name=_marked(source.name, NAME_MARKER, RuleSet._meta.get_field("name").max_length),
            name_en=_marked(
                source.name_en, NAME_EN_MARKER, RuleSet._meta.get_field("name_en").max_length
            ),
            effective_from=effective_from,
            source=source.source,
        )
        ClockRule.objects.bulk_create(
            ClockRule(**_row_fields(rule, exclude={"id", "rule_set"}), rule_set=copy)
            for rule in ClockRule.objects.filter(rule_set=source).order_by("pk")
        )
        Ground.objects.bulk_create(
            Ground(**_row_fields(ground, exclude={"id", "rule_set"}), rule_set=copy)
            for ground in Ground.objects.filter(rule_set=source).order_by("pk")
        )
    return copy


def _row_fields(row: ClockRule | Ground, *, exclude: set[str]) -> dict[str, Any]:
    """Every concrete field of the row, so that a field added to the model
    later is copied without touching this service."""
    return {
        f.attname: getattr(row, f.attname)
        for f in type(row)._meta.concrete_fields
        if f.name not in exclude
    }
