"""Reads of cases: who sees what, filtered queues, caller history, duplicate
candidates and the business lookup of the intake form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm

from complaints import lifecycle
from complaints.clocks import WorkCalendar, case_clocks, clock_state
from complaints.models import Case, CaseKind, Status
from core.models import Office, ProductCategory, Region
from core.scope import office_scope
from core.validators import normalize_mainland_phone

_ID_RE = re.compile(r"^[0-9]{1,18}$")


def parse_id(raw: Any) -> int | None:
    """A database id from user input, or None: ASCII digits only and within
    bigint range, so that odd input is a 400, never a database error."""
    text = str(raw).strip() if raw is not None else ""
    return int(text) if _ID_RE.match(text) else None


#: What a complainant may do on their own case (complaints/lifecycle.py).
CONSUMER_TRANSITIONS = frozenset(t.name for t in lifecycle.TRANSITIONS if t.consumer)


# --- Office scope ----------------------------------------------------------------


def user_may_act_on_office(*, user: Any, office_id: int) -> bool:
    return office_scope(user).covers_office(office_id)


def transition_permitted(*, case: Case, name: str, user: Any) -> bool:
    """May this user take this (state-wise available) transition now?"""
    if name in CONSUMER_TRANSITIONS and case.consumer_id and case.consumer_id == user.pk:
        return True
    return bool(
        user_may_act_on_office(user=user, office_id=case.office_id)
        and has_transition_perm(getattr(case, name), user)
    )


def available_transitions(*, case: Case, user: Any) -> list[str]:
    """The transitions this user may take on this case now, in model order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        t.name
        for t in case.get_available_status_transitions()  # type: ignore[attr-defined]
        if transition_permitted(case=case, name=t.name, user=user)
    ]


def case_available_transitions(*, case: Case, user: Any) -> list[str]:
    return available_transitions(case=case, user=user)


def cases_visible_to(*, user: Any) -> QuerySet[Case]:
    """The one rule for cases (core.scope): staff with `view_case` see the
    cases of their office and the offices below it, plus the cases they
    registered, handle or mediate; `view_all_offices` sees all. Everyone
    else sees only their own cases."""
    qs = Case.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = office_scope(user)
    if scope.everything:
        return qs
    if getattr(user, "staff_profile", None) is None:
        return qs.filter(consumer=user)
    own = Q(registered_by=user) | Q(handler=user) | Q(mediator=user) | Q(consumer=user)
    if not user.has_perm("complaints.view_case"):
        # Staff in a role without case access (e.g. quality supervisors).
        return qs.filter(own)
    return qs.filter(Q(office_id__in=scope.office_ids or ()) | own)


def _region_prefix(code: str) -> str:
    """GB/T 2260: 430000 is the province, 430100 a city, 430102 a county;
    the significant digits select the region and everything below it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return [v for v in str(value).split(",") if v]


def _as_date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        parsed = (
            parse_date(str(value))
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(value))
            else None
        )
    except ValueError:  # well-formed but impossible, e.g. 30 February
        parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a date as YYYY-MM-DD.")})
    return parsed


_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _flag(value: Any, field: str) -> bool:
    """A yes/no filter: a word that is neither is a mistake to report, not
    a "no" to assume."""
    if value in (None, ""):
        return False
    word = str(value).strip().lower()
    if word not in _TRUE_WORDS | _FALSE_WORDS:
        raise ValidationError({field: _("Enter true or false.")})
    return word in _TRUE_WORDS


def _invalid_choice(values: list[str]) -> str:
    message = forms.ChoiceField.default_error_messages["invalid_choice"]
    return str(message) % {"value": ", ".join(values)}


def _checked(errors: dict[str, Any], check: Callable[[], Any]) -> Any:
    """Runs one filter's check, keeping its field message: every bad field
    is reported in one answer."""
    try:
        return check()
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def case_list(*, user: Any, filters: Mapping[str, Any]) -> QuerySet[Case]:
    """The cases this user sees, filtered. Filters: status (one or a comma
    list), office (id), category (code or id, with its subcategories),
    region (any level), kind, due_before / due_after (a running clock's due
    date), overdue, due_soon, q (tracking code or work-order number). A
    value that is not one of the filter's values is a ValidationError on
    that field, never ignored."""
    bad = sorted(key for key in filters if "\x00" in str(filters.get(key)))
    if bad:
        # PostgreSQL cannot even compare text with NUL characters.
        raise ValidationError({key: _("This value contains invalid characters.") for key in bad})
    errors: dict[str, Any] = {}
    qs = cases_visible_to(user=user)
    statuses = _as_list(filters.get("status"))
    unknown = [value for value in statuses if value not in Status.values]
    if unknown:
        errors["status"] = [_invalid_choice(unknown)]
    elif statuses:
        qs = qs.filter(status__in=statuses)
    kind = filters.get("kind")
    if kind not in (None, ""):
        if kind not in CaseKind.values:
            errors["kind"] = [_("Enter complaint or report.")]
        qs = qs.filter(kind=kind)
    office = filters.get("office")
    if office not in (None, ""):
        office_id = parse_id(office)
        if office_id is None:
            errors["office"] = [_("Enter an office id.")]
        elif not Office.objects.filter(pk=office_id).exists():
            errors["office"] = [_("Unknown office.")]
        else:
            qs = qs.filter(office_id=office_id)
    category = filters.get("category")
    if category not in (None, ""):
        cat = ProductCategory.objects.filter(
            Q(code=str(category)[:60]) | Q(pk=parse_id(category))
        ).first()
        if cat is None:
            errors["category"] = [_("Unknown product category.")]
        else:
            qs = qs.filter(
                Q(category__path=cat.path) | Q(category__path__startswith=cat.path + "/")
            )
    region = filters.get("region")
    if region not in (None, ""):
        if not Region.objects.filter(code=str(region)).exists():
            errors["region"] = [_("Unknown region.")]
        qs = qs.filter(region__code__startswith=_region_prefix(str(region)))
    due_before = _checked(errors, lambda: _as_date(filters.get("due_before"), "due_before"))
    due_after = _checked(errors, lambda: _as_date(filters.get("due_after"), "due_after"))
    overdue = _checked(errors, lambda: _flag(filters.get("overdue"), "overdue"))
    due_soon = _checked(errors, lambda: _flag(filters.get("due_soon"), "due_soon"))
    if errors:
        raise ValidationError(errors)
    running = case_clocks().filter(
        owner_id=OuterRef("pk"), stopped_on__isnull=True, paused_on__isnull=True
    )
    if due_before:
        qs = qs.filter(Exists(running.filter(due_on__lte=due_before)))
    if due_after:
        qs = qs.filter(Exists(running.filter(due_on__gte=due_after)))
    today = timezone.localdate()
    if overdue:
        qs = qs.filter(Exists(running.filter(due_on__lt=today)))
    if due_soon:
        qs = qs.filter(pk__in=_due_soon_case_ids(qs, today))
    text = str(filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(tracking_code__iexact=text) | Q(work_order_no=text))
    return qs.select_related("office", "category", "region", "problem_type")


def _due_soon_case_ids(qs: QuerySet[Case], today: dt.date) -> list[int]:
    """Cases with a running clock past the reminder fraction of its length
    (the clocks' own definition of due soon, counted in the clock's unit)."""
    calendar = WorkCalendar.load()
    clocks = case_clocks().filter(
        owner_id__in=qs.values("pk"),
        stopped_on__isnull=True,
        paused_on__isnull=True,
        due_on__gte=today,
    )
    return sorted(
        {c.owner_id for c in clocks if clock_state(c, today=today, calendar=calendar) == "due_soon"}
    )


def caller_history(*, phone: str) -> QuerySet[Case]:
    """Every case of this caller, newest first. Callers scope it with
    cases_visible_to where the viewer's office matters."""
    try:
        normalized = normalize_mainland_phone(phone)
    except ValidationError:
        return Case.objects.none()
    return Case.objects.filter(complainant_phone=normalized).order_by("-received_at")


def duplicate_candidates(
    *,
    phone: str,
    seller_key: str,
    category: ProductCategory | int | None,
    received_at: dt.datetime | None = None,
) -> QuerySet[Case]:
    """Possible duplicates or related cases within the window before the
    receipt: the same caller; or the same business and product category."""
    received_at = received_at or timezone.now()
    since = received_at - dt.timedelta(days=settings.DUPLICATE_WINDOW_DAYS)
    match = Q()
    if phone:
        try:
            phone = normalize_mainland_phone(phone)
        except ValidationError:
            phone = ""  # not a number any case could carry
    if phone:
        match |= Q(complainant_phone=phone)
    if seller_key and category is not None:
        match |= Q(seller_key=seller_key, category=category)
    if not match:
        return Case.objects.none()
    return (
        Case.objects.filter(match, received_at__gte=since, received_at__lte=received_at)
        .select_related("category", "office")
        .order_by("-received_at")
    )


_CREDIT_LIKE = re.compile(r"^[0-9A-Z]{6,18}$")


def business_lookup(*, query: str, user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Businesses named in past cases the user may see, by name prefix or
    credit code prefix, most complained-about first."""
    text = (query or "").strip()
    if len(text) < 2:
        return []
    upper = text.upper()
    match = Q(business_name__istartswith=text)
    if _CREDIT_LIKE.match(upper):
        match |= Q(business_credit_code__startswith=upper)
    rows = (
        cases_visible_to(user=user)
        .filter(match)
        .values(
            "business_name",
            "business_credit_code",
            "business_address",
            "region_id",
            "online_platform",
            "shop_id",
        )
        .annotate(cases=Count("id"), last_received=Max("received_at"))
        .order_by("-cases", "-last_received")[:limit]
    )
    return [
        {
            "name": r["business_name"],
            "credit_code": r["business_credit_code"],
            "address": r["business_address"],
            "region": r["region_id"],
            "online_platform": r["online_platform"],
            "shop_id": r["shop_id"],
            "cases": r["cases"],
        }
        for r in rows
    ]
