"""The daily hotspot run: record every hotspot, and turn each new or growing
one into ONE enforcement lead and tell the competent office. Hotspots are
leads, not findings (local practice, docs/legal-basis.md §8): each becomes a
report case with its own 15-WD verification clock (市场监督管理行政处罚程序规定第十八条)
and a human review.

Idempotent: a hotspot is recorded once per run date (unique constraint), and
only the transaction that records it creates its lead, so re-running a day,
or two workers running it at once, creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from complaints.models import Channel
from core.models import Office, ProblemType, ProductCategory, Region
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.hotspots.models import HotspotAlert, HotspotChange
from search.hotspots.params import Dimension, HotspotQuery, Level
from search.hotspots.scoring import Cell
from search.hotspots.selectors import cell_search_query, hotspot_report

logger = logging.getLogger(__name__)

#: The account that files hotspot leads (no password, no login).
SYSTEM_USERNAME = "hotspot-alerts"
SYSTEM_PERMISSIONS = ("register_case", "view_all_offices")
#: The cells the daily run watches.
ALERT_LEVEL = Level.COUNTY
ALERT_DIMENSIONS = (Dimension.SELLER, Dimension.BRAND)
#: Underlying cases linked to a lead for its reviewer.
LINKED_CASES = 20


def alert_growth_factor() -> float:
    """A hotspot grows when its count reaches this multiple of its count in
    the previous run (HOTSPOT_ALERT_GROWTH_FACTOR, default 1.5)."""
    return float(settings.HOTSPOT_ALERT_GROWTH_FACTOR)


@dataclass
class AlertRun:
    run_on: dt.date
    recorded: list[HotspotAlert] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)


def classify(count: int, previous: int | None, *, factor: float) -> HotspotChange:
    if previous is None:
        return HotspotChange.NEW
    if count > previous and count >= factor * previous:
        return HotspotChange.GROWING
    return HotspotChange.ONGOING


def _system_actor() -> Any:
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    perms = Permission.objects.filter(
        content_type__app_label="complaints", codename__in=SYSTEM_PERMISSIONS
    )
    user.user_permissions.add(*perms)
    # has_perm caches per instance: read the user afresh.
    return get_user_model().objects.get(pk=user.pk)


def _previous_counts(*, run_on: dt.date, level: str, dimension: str) -> dict[str, int]:
    last = HotspotAlert.objects.filter(
        level=level, dimension=dimension, run_on__lt=run_on
    ).aggregate(last=Max("run_on"))["last"]
    if last is None:
        return {}
    return dict(
        HotspotAlert.objects.filter(level=level, dimension=dimension, run_on=last).values_list(
            "cell_key", "count"
        )
    )


def _lead_text(query: HotspotQuery, cell: Cell, region: Region, category: Any) -> str:
    return _(
        "Recurring counterfeit hotspot (%(patterns)s) in %(region)s, %(category)s, "
        "%(dimension)s %(subject)s: %(count)d signals from %(people)d distinct "
        "complainants in %(weeks)d weeks between %(start)s and %(end)s "
        "(previous window: %(previous)d). Cell %(key)s. This is a lead for "
        "verification, not a finding."
    ) % {
        "patterns": ", ".join(cell.patterns),
        "region": region.name,
        "category": category.name if category else cell.category,
        "dimension": query.dimension.value,
        "subject": cell.subject,
        "count": cell.count,
        "people": cell.distinct_complainants,
        "weeks": cell.weeks_present,
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "previous": cell.previous_count,
        "key": cell.key,
    }


def _create_lead(
    *,
    query: HotspotQuery,
    cell: Cell,
    region: Region,
    category: ProductCategory | None,
    backend: SearchBackend,
    actor: Any,
) -> Any:
    """A report case through the one intake service: routed to the
    competent office, pinned to its rule set, with its verification clock."""
    from complaints.services import IntakeData, intake_create

    hits = backend.search(cell_search_query(query, cell.key, size=LINKED_CASES)).hits
    names = [h.source.get("seller_name") or "" for h in hits]
    brands = [h.source.get("brand") or "" for h in hits]
    if query.dimension == Dimension.SELLER:
        business = next((n for n in names if n), cell.subject)
        brand = next((b for b in brands if b), "")
    else:
        brand = next((b for b in brands if b), cell.subject)
        business = _("Sellers of %(brand)s") % {"brand": brand}
    # The cell's most frequent counterfeit problem, else the first one listed.
    counterfeit = list(
        ProblemType.objects.filter(counterfeit_signal=True).order_by("sort_order", "code")
    )
    seen = Counter(str(h.source.get("problem_type") or "") for h in hits)
    problem = max(
        counterfeit,
        key=lambda p: (seen[p.code], -counterfeit.index(p)),
        default=None,
    )
    data = IntakeData(
        kind="report",
        channel=Channel.HOTSPOT,
        description=_lead_text(query, cell, region, category),
        business_name=business[:200],
        region=region.code,
        category=category.code if category else cell.category,
        problem_type=problem.code if problem else "",
        anonymous=True,
        brand=brand[:100],
        related_to=[h.id for h in hits],
    )
    return intake_create(data=data, actor=actor).report


def hotspot_alert_record(
    *,
    run_on: dt.date,
    query: HotspotQuery,
    cell: Cell,
    previous: int | None,
    backend: SearchBackend,
    actor: Any,
) -> HotspotAlert | None:
    """Records one hotspot of a run, with its lead when it is new or
    growing. None when this run already recorded it."""
    region = Region.objects.filter(code=cell.region).first()
    if region is None:
        logger.warning("hotspot %s: unknown region", cell.key)
        return None
    category = ProductCategory.objects.filter(code=cell.category).first()
    change = classify(cell.count, previous, factor=alert_growth_factor())
    try:
        with transaction.atomic():
            alert = HotspotAlert.objects.create(
                run_on=run_on,
                level=query.level.value,
                dimension=query.dimension.value,
                cell_key=cell.key,
                region=region,
                category=category,
                subject=cell.subject,
                window_start=query.start,
                window_end=query.end,
                count=cell.count,
                distinct_complainants=cell.distinct_complainants,
                weeks_present=cell.weeks_present,
                weighted_count=cell.weighted_count,
                score=cell.score,
                patterns=list(cell.patterns),
                change=change,
                previous_count=previous,
            )
            if change == HotspotChange.ONGOING:
                return alert
            try:
                with transaction.atomic():
                    lead = _create_lead(
                        query=query,
                        cell=cell,
                        region=region,
                        category=category,
                        backend=backend,
                        actor=actor,
                    )
            except ValidationError as exc:
                # No route, or reference data missing: keep the alert for a
                # person to pick up rather than lose the hotspot.
                alert.lead_error = "; ".join(exc.messages)
                alert.save(update_fields=["lead_error"])
                return alert
            alert.lead = lead
            alert.office = lead.office
            alert.save(update_fields=["lead", "office"])
            alert_id = alert.pk
            transaction.on_commit(lambda: _schedule_notify(alert_id))
            return alert
    except IntegrityError:
        # Already recorded for this run (an earlier or a concurrent run).
        return None


def _schedule_notify(alert_id: int) -> None:
    from search.hotspots.tasks import hotspot_alert_notify

    hotspot_alert_notify.delay(alert_id)


def hotspot_alerts_run(
    *, run_on: dt.date, backend: SearchBackend | None = None, actor: Any = None
) -> AlertRun:
    """Computes the hotspots of the window ending the day before `run_on`
    (whole days only) and records them against the previous run."""
    backend = backend or get_backend()
    actor = actor or _system_actor()
    result = AlertRun(run_on=run_on)
    for dimension in ALERT_DIMENSIONS:
        query = HotspotQuery.default(
            end=run_on - dt.timedelta(days=1),
            level=ALERT_LEVEL,
            dimension=dimension,
            patterns_only=True,
            limit=10_000,
        )
        previous = _previous_counts(run_on=run_on, level=query.level, dimension=dimension)
        for cell in hotspot_report(query, backend=backend).cells:
            alert = hotspot_alert_record(
                run_on=run_on,
                query=query,
                cell=cell,
                previous=previous.get(cell.key),
                backend=backend,
                actor=actor,
            )
            if alert is None:
                continue
            result.recorded.append(alert)
            if alert.lead_id is not None:
                result.leads.append(alert.lead_id)
    return result


def alert_recipients(alert: HotspotAlert) -> list[str]:
    """E-mail addresses at the lead's office: its staff, and the head of the
    office or of the nearest parent office that has one."""
    from core.models import StaffProfile

    office = alert.office
    if office is None:
        return []
    emails = set(
        StaffProfile.objects.filter(office=office, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    node: Office | None = office
    while node is not None:
        if node.head_id is not None and node.head is not None and node.head.email:
            emails.add(node.head.email)
            break
        node = node.parent
    return sorted(emails)


def hotspot_alert_notify(*, alert_id: int) -> bool:
    """Mails the office about one recorded lead; once (notified_at)."""
    from django.core.mail import send_mail
    from django.utils import timezone, translation

    with transaction.atomic():
        alert = (
            HotspotAlert.objects.select_for_update(of=("self",))
            .select_related("lead", "office", "region")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.lead is None or alert.notified_at is not None:
            return False
        recipients = alert_recipients(alert)
        if not recipients:
            logger.warning("hotspot alert %s: office %s has no e-mail", alert_id, alert.office_id)
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Hotspot lead %(code)s: %(region)s") % {
                "code": alert.lead.tracking_code,
                "region": alert.region.name,
            }
            body = _(
                "A %(change)s counterfeit hotspot became report %(code)s for verification "
                "(%(count)d signals, %(people)d distinct complainants). Cell: %(key)s."
            ) % {
                "change": alert.get_change_display(),
                "code": alert.lead.tracking_code,
                "count": alert.count,
                "people": alert.distinct_complainants,
                "key": alert.cell_key,
            }
        send_mail(subject, body, None, recipients, fail_silently=False)
        alert.notified_at = timezone.now()
        alert.save(update_fields=["notified_at"])
    return True
