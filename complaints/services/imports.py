"""Import of historical work orders (docs/import-format.md).

`import_record_parse` turns one raw row (a JSON object or a CSV row) into an
ImportRecord or raises a ValidationError with field messages. Everything an
intake has goes through the intake cleaning step (intake_clean), the one the
console and the API use; the import adds only what is historical: the
status, its dates and reason code, the outcome, the office that held it.
`case_import` writes one record: the case in its historical status, an
"imported" audit event, the clocks still running for an open status, and
the search outbox entry, all in one transaction.

The work-order number makes it idempotent, and is checked first
(`work_orders_present`, one query for a batch of rows) so that a re-run
skips what is there without validating it again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints import lifecycle
from complaints.clocks import (
    WorkCalendar,
    case_clocks,
    clock_state,
    clocks_on_intake,
    clocks_on_transition,
)
from complaints.models import FINAL_STATES, Case, CaseKind, Channel, GroundKind, Status
from complaints.services.intake import new_tracking_code, rule_set_for
from complaints.services.intake_clean import (
    CASE_TEXT_LIMITS,
    CleanIntake,
    IntakeData,
    intake_clean,
    intake_text,
)
from complaints.services.transitions import NOTE_MAX
from core.clocks.engine import DUE_SOON, OVERDUE
from core.clocks.notifications import ESCALATION, REMINDER, office_head
from core.events import event_write
from core.models import Clock, Ground, Office, RuleSet

logger = logging.getLogger(__name__)
#: How long a sent import summary is remembered (a redelivered task is late
#: by minutes, not weeks).
SUMMARY_ONCE_FOR = 7 * 24 * 3600
SUMMARY_CHUNK = 1000

S = Status
COMPLAINT_STATUSES = frozenset(
    {
        S.REGISTERED,
        S.MATERIALS_REQUESTED,
        S.ACCEPTED,
        S.NOT_ACCEPTED,
        S.TRANSFERRED,
        S.RETURNED,
        S.MEDIATING,
        S.INSPECTION_PENDING,
        S.AGREEMENT_REACHED,
        S.MEDIATION_TERMINATED,
        S.FULFILMENT,
        S.FOLLOW_UP,
        S.CLOSED,
        S.WITHDRAWN,
    }
)
REPORT_STATUSES = frozenset(
    {
        S.REGISTERED,
        S.RETURNED,
        S.VERIFYING,
        S.CASE_OPENED,
        S.NOT_OPENED,
        S.INVESTIGATING,
        S.DECIDED,
        S.MERGED,
    }
)
#: The reason-code list a status's `status_reason` must come from.
STATUS_GROUND_KIND: dict[str, str] = {
    S.NOT_ACCEPTED: GroundKind.NOT_ACCEPTED,
    S.MEDIATION_TERMINATED: GroundKind.MEDIATION_TERMINATED,
    S.TRANSFERRED: GroundKind.TRANSFER,
    S.RETURNED: GroundKind.RETURN,
    S.NOT_OPENED: GroundKind.REPORT_NOT_OPENED,
}

PAYERS = ("seller", "producer", "insurer", "other")

#: Columns handed to the intake cleaning step: every IntakeData field but the
#: operator's duplicate links, which a historical work order does not carry.
INTAKE_COLUMNS = tuple(f.name for f in dataclasses.fields(IntakeData) if f.name != "related_to")
#: What only a historical work order has.
HISTORY_COLUMNS = (
    "status",
    "status_changed_on",
    "accepted_on",
    "case_opened_on",
    "status_reason",
    "office",
    "compensation_amount",
    "compensation_payer",
    "satisfaction",
    "note",
)
KNOWN_COLUMNS = frozenset({*INTAKE_COLUMNS, *HISTORY_COLUMNS})


@dataclass
class ImportRecord:
    """A work order: its intake, cleaned as every intake is, and its history."""

    intake: CleanIntake
    kind: str
    status: str
    status_changed_on: dt.date
    accepted_on: dt.date | None = None
    case_opened_on: dt.date | None = None
    status_reason: str = ""
    compensation_amount: Decimal | None = None
    compensation_payer: str = ""
    satisfaction: int | None = None
    note: str = ""

    @property
    def work_order_no(self) -> str:
        return str(self.intake.fields["work_order_no"] or "")

    @property
    def received_at(self) -> dt.datetime:
        return self.intake.received_at

    @property
    def received_on(self) -> dt.date:
        return timezone.localdate(self.intake.received_at)

    @property
    def rule_set(self) -> RuleSet:
        return self.intake.rule_set

    @property
    def office(self) -> Office:
        office: Office = self.intake.fields["office"]
        return office


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: Any) -> None:
        self.by_field.setdefault(name, []).append(str(message))

    def check(self, name: str, func: Callable[[Any], Any], value: Any) -> Any:
        try:
            return func(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(name, message)
            return None


def _text(raw: Mapping[str, Any], name: str) -> str:
    return intake_text(raw.get(name))


def row_work_order_no(raw: Mapping[str, Any]) -> str:
    """The work-order number of a raw row, as the cleaning step will read it."""
    return _text(raw, "work_order_no")


def work_orders_present(numbers: Collection[str]) -> set[str]:
    """Those of `numbers` that are cases already: one query, however many."""
    wanted = [n for n in set(numbers) if n and "\x00" not in n]
    if not wanted:
        return set()
    found = Case.objects.filter(work_order_no__in=wanted).values_list("work_order_no", flat=True)
    return {n for n in found if n}


def _bool(raw: Mapping[str, Any], name: str, errors: _Errors) -> bool:
    value = raw.get(name)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "是"}:
        return True
    if text in {"0", "false", "no", "n", "否"}:
        return False
    errors.add(name, _("Enter true or false."))
    return False


def _date(raw: Mapping[str, Any], name: str, errors: _Errors) -> dt.date | None:
    text = _text(raw, name)
    if not text:
        return None
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        errors.add(name, _("Enter a date as YYYY-MM-DD."))
    return value


def _datetime(raw: Mapping[str, Any], name: str, errors: _Errors) -> dt.datetime | None:
    text = _text(raw, name)
    if not text:
        errors.add(name, _("This field is required."))
        return None
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = dt.datetime.combine(day, dt.time(9, 0)) if day else None
    except ValueError:
        value = None
    if value is None:
        errors.add(name, _("Enter a date and time as YYYY-MM-DDTHH:MM (local time)."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _decimal(raw: Mapping[str, Any], name: str, errors: _Errors) -> Decimal | None:
    text = _text(raw, name)
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add(name, _("Enter an amount in yuan (0 or more)."))
        return None
    return value.quantize(Decimal("0.01"))


def import_record_parse(raw: Mapping[str, Any], *, actor: Any = None) -> ImportRecord:
    """Validates one row; every field message at once in a ValidationError."""
    errors = _Errors()
    unknown = sorted(str(k) for k in set(raw) - KNOWN_COLUMNS)
    if unknown:
        errors.add("__all__", _("Unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    for name in HISTORY_COLUMNS:
        if "\x00" in _text(raw, name):
            # PostgreSQL cannot store or compare text with NUL characters (the
            # cleaning step says the same of the intake's columns).
            errors.add(name, _("This value contains invalid characters."))

    # The file's text into the intake's types. A column that does not parse is
    # reported here, handed over as not given, and the cleaning step's
    # message about that placeholder is dropped.
    unparsed: set[str] = set()

    def parsed(name: str, value: Any) -> Any:
        if name in errors.by_field:
            unparsed.add(name)
        return value

    kind = _text(raw, "kind") or CaseKind.COMPLAINT
    if kind not in CaseKind.values:
        # One row is one case: "both" is an intake's choice, not a work order's.
        errors.add("kind", _("Enter complaint or report."))
        unparsed.add("kind")
    received_at = parsed("received_at", _datetime(raw, "received_at", errors))
    data = IntakeData(
        kind=kind,
        channel=_text(raw, "channel") or Channel.HOTLINE_12345,
        work_order_no=_text(raw, "work_order_no"),
        received_at=received_at,
        anonymous=parsed("anonymous", _bool(raw, "anonymous", errors)),
        consent_to_publication=parsed(
            "consent_to_publication", _bool(raw, "consent_to_publication", errors)
        ),
        purchase_date=parsed("purchase_date", _date(raw, "purchase_date", errors)),
        price=_text(raw, "price") or None,
        quantity=_text(raw, "quantity") or 1,
        complainant_name=_text(raw, "complainant_name"),
        complainant_phone=_text(raw, "complainant_phone"),
        complainant_id_number=_text(raw, "complainant_id_number"),
        complainant_address=_text(raw, "complainant_address"),
        business_name=_text(raw, "business_name"),
        business_credit_code=_text(raw, "business_credit_code"),
        business_address=_text(raw, "business_address"),
        region=_text(raw, "region"),
        online_platform=_text(raw, "online_platform"),
        shop_id=_text(raw, "shop_id"),
        category=_text(raw, "category"),
        brand=_text(raw, "brand"),
        product_model=_text(raw, "product_model"),
        batch=_text(raw, "batch"),
        purchase_channel=_text(raw, "purchase_channel"),
        problem_type=_text(raw, "problem_type"),
        description=_text(raw, "description"),
        demands=_text(raw, "demands"),
    )
    office: Office | None = None
    office_code = _text(raw, "office")
    if office_code and "office" not in errors.by_field:
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            errors.add("office", _("Unknown code “%(code)s”.") % {"code": office_code})

    clean: CleanIntake | None = None
    try:
        clean = intake_clean(data, (), actor, office=office)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name in unparsed:
                continue
            for message in messages:
                errors.add(name, message)
    if not data.work_order_no and "work_order_no" not in errors.by_field:
        # The key of the import: every row needs one, whatever its channel.
        errors.add("work_order_no", _("This field is required."))

    # History: status, its dates and reason code, the outcome.
    if clean is not None:
        received_on: dt.date | None = timezone.localdate(clean.received_at)
        rule_set: RuleSet | None = clean.rule_set
    else:
        received_on = timezone.localdate(received_at) if received_at else None
        rule_set = rule_set_for(received_on) if received_on else None
    today = timezone.localdate()
    status = _text(raw, "status")
    allowed = COMPLAINT_STATUSES if kind == CaseKind.COMPLAINT else REPORT_STATUSES
    if status not in allowed:
        errors.add(
            "status",
            _("“%(status)s” is not a status of a %(kind)s.") % {"status": status, "kind": kind},
        )
    changed_on = _date(raw, "status_changed_on", errors) or received_on
    accepted_on = _date(raw, "accepted_on", errors)
    opened_on = _date(raw, "case_opened_on", errors)
    for name, day in (
        ("status_changed_on", changed_on),
        ("accepted_on", accepted_on),
        ("case_opened_on", opened_on),
    ):
        if day is None or received_on is None:
            continue
        if day < received_on:
            errors.add(name, _("This date lies before the receipt."))
        if day > today:
            errors.add(name, _("This date lies in the future."))
    if accepted_on and changed_on and accepted_on > changed_on:
        errors.add("accepted_on", _("The acceptance cannot come after the current status."))
    if opened_on and changed_on and opened_on > changed_on:
        errors.add("case_opened_on", _("The case opening cannot come after the current status."))

    reason = _text(raw, "status_reason")
    errors.check("status_reason", MaxLengthValidator(CASE_TEXT_LIMITS["status_reason"]), reason)
    ground_kind = STATUS_GROUND_KIND.get(status)
    if reason and rule_set is not None and "status_reason" not in errors.by_field:
        if ground_kind is None:
            errors.add("status_reason", _("This status takes no reason code."))
        elif not Ground.objects.filter(rule_set=rule_set, kind=ground_kind, code=reason).exists():
            errors.add(
                "status_reason", _("This reason code is not a ground of the case's rule set.")
            )
    amount = _decimal(raw, "compensation_amount", errors)
    payer = _text(raw, "compensation_payer")
    if payer and payer not in PAYERS:
        errors.add("compensation_payer", _("Enter seller, producer, insurer or other."))
    satisfaction: int | None = None
    if _text(raw, "satisfaction"):
        text = _text(raw, "satisfaction")
        satisfaction = int(text) if text.isdigit() and len(text) < 3 else 0
        if not 1 <= satisfaction <= 5:
            errors.add("satisfaction", _("Satisfaction is a number from 1 to 5."))
    note = _text(raw, "note")
    errors.check("note", MaxLengthValidator(NOTE_MAX), note)

    if errors.by_field:
        raise ValidationError(errors.by_field)
    assert clean is not None and changed_on is not None
    return ImportRecord(
        intake=clean,
        kind=kind,
        status=status,
        status_changed_on=changed_on,
        accepted_on=accepted_on,
        case_opened_on=opened_on,
        status_reason=reason,
        compensation_amount=amount,
        compensation_payer=payer,
        satisfaction=satisfaction,
        note=note,
    )


def replay_steps(record: ImportRecord) -> list[tuple[str, dt.date]]:
    """The transitions that led from registration to the record's open
    status, from the lifecycle declaration, each dated by the record date it
    declares (acceptance, case opening…) or else by the status date; the
    import replays their clock effects so that the clocks still running are
    exactly those the live state machine would have left running."""
    if record.status in FINAL_STATES:
        return []
    path = lifecycle.path_to(record.kind, record.status) or ()
    steps = []
    for spec in path:
        day = getattr(record, spec.replay_on, None) if spec.replay_on else None
        steps.append((spec.name, day or record.status_changed_on))
    return steps


def case_import(*, record: ImportRecord, actor: Any) -> Case | None:
    """Creates the case of one historical work order; None when a case with
    this work-order number exists already (a re-run imports nothing twice).

    Clocks already due soon or overdue on the day of the import are marked
    reminded / escalated here, as the sweep would have marked them: the
    office hears of them in one summary after the run
    (`import_overdue_schedule`), not in one mail per old case."""
    if Case.objects.filter(work_order_no=record.work_order_no).exists():
        return None
    final = record.status in FINAL_STATES
    changed_at = timezone.make_aware(dt.datetime.combine(record.status_changed_on, dt.time(12)))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                **record.intake.fields,
                kind=record.kind,
                tracking_code=new_tracking_code(record.kind),
                status=record.status,
                status_reason=record.status_reason,
                rule_set=record.rule_set,
                registered_by=actor if getattr(actor, "is_authenticated", False) else None,
                compensation_amount=record.compensation_amount,
                compensation_payer=record.compensation_payer,
                satisfaction=record.satisfaction,
                closed_at=changed_at if final else None,
            )
            steps = replay_steps(record)
            marked: dict[str, list[str]] = {}
            if not final:
                calendar = WorkCalendar.load()
                clocks_on_intake(case=case, on=record.received_on, calendar=calendar)
                for name, day in steps:
                    clocks_on_transition(case=case, action=name, on=day, calendar=calendar)
                marked = _clocks_mark_passed(case, calendar=calendar)
            event_write(
                owner=case,
                action="imported",
                actor=actor,
                created=True,
                from_status="",
                to_status=case.status,
                reason_code=record.status_reason,
                note=record.note,
                data={
                    "work_order_no": record.work_order_no,
                    "received_at": record.received_at,
                    "status_changed_on": record.status_changed_on,
                    "replayed": [[name, day] for name, day in steps],
                    # Thresholds already passed at import: told in the summary.
                    **({"marked": marked} if marked else {}),
                },
            )
    except IntegrityError:
        # Another import of the same file got there first.
        if Case.objects.filter(work_order_no=record.work_order_no).exists():
            return None
        raise
    return case


def _clocks_mark_passed(case: Case, *, calendar: WorkCalendar) -> dict[str, list[str]]:
    """Marks the running clocks of a just-imported case whose reminder or
    deadline has already passed, as the sweep (core/clocks/sweep.py) marks
    them, so that it does not mail about each old case one by one; the
    states are the engine's own (clock_state), so the two agree on what is
    due soon and what is overdue."""
    today = timezone.localdate()
    now = timezone.now()
    marked: dict[str, list[str]] = {}
    for clock in case_clocks().filter(owner_id=case.pk, stopped_on__isnull=True):
        state = clock_state(clock, today=today, calendar=calendar)
        if state == OVERDUE:
            clock.reminded_at = clock.reminded_at or now
            clock.escalated_at = clock.escalated_at or now
            marked.setdefault(ESCALATION, []).append(clock.kind)
        elif state == DUE_SOON:
            clock.reminded_at = clock.reminded_at or now
        else:
            continue
        marked.setdefault(REMINDER, []).append(clock.kind)
        clock.save(update_fields=["reminded_at", "escalated_at"])
    return marked


@dataclass
class OfficeOverdue:
    """An office's imported cases that were already due soon or overdue when
    they came in: counts, the earliest due date and the tracking codes (no
    personal data: 个人信息保护法第六条)."""

    office: Office
    head: Any | None
    overdue: list[tuple[str, dt.date]] = field(default_factory=list)
    due_soon: list[tuple[str, dt.date]] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)

    @property
    def earliest_due(self) -> dt.date:
        return min(due for _code, due in self.overdue + self.due_soon)


def import_overdue_summary(*, case_ids: Collection[int]) -> list[OfficeOverdue]:
    """Per office, those of the imported cases `case_ids` whose running
    clocks the import marked (reminded or escalated), re-read from the
    database; each case once, under its most urgent clock."""
    ids = sorted(set(case_ids))
    worst: dict[int, Clock] = {}
    for start in range(0, len(ids), SUMMARY_CHUNK):
        clocks = (
            case_clocks()
            .filter(
                owner_id__in=ids[start : start + SUMMARY_CHUNK],
                stopped_on__isnull=True,
                reminded_at__isnull=False,
            )
            .order_by("due_on")
        )
        for clock in clocks:
            known = worst.get(clock.owner_id)
            if known is None or (clock.escalated_at and not known.escalated_at):
                worst[clock.owner_id] = clock
    flagged = sorted(worst)
    cases: list[Case] = []
    for start in range(0, len(flagged), SUMMARY_CHUNK):
        chunk = flagged[start : start + SUMMARY_CHUNK]
        cases += Case.objects.filter(pk__in=chunk).select_related("office__head", "office__parent")
    by_office: dict[int, OfficeOverdue] = {}
    for case in sorted(cases, key=lambda c: (c.office_id, c.tracking_code)):
        summary = by_office.get(case.office_id)
        if summary is None:
            summary = OfficeOverdue(office=case.office, head=office_head(case.office))
            by_office[case.office_id] = summary
        clock = worst[case.pk]
        bucket = summary.overdue if clock.escalated_at else summary.due_soon
        bucket.append((case.tracking_code, clock.due_on))
        summary.case_ids.append(case.pk)
    return list(by_office.values())


def import_overdue_schedule(*, case_ids: Collection[int]) -> list[OfficeOverdue]:
    """After the commit, one summary mail per office head about the imported
    cases already past a threshold (complaints.tasks.import_overdue_notify);
    returns the summary, for the caller to show."""
    summaries = import_overdue_summary(case_ids=case_ids)
    by_head: dict[int, list[int]] = {}
    for summary in summaries:
        if summary.head is None:
            continue
        # One mail per head: a head of several offices (a city head standing
        # in for county offices without one) hears of them all at once.
        by_head.setdefault(summary.head.pk, []).extend(summary.case_ids)
    for head_id, ids in by_head.items():
        transaction.on_commit(
            partial(_schedule_notify, head_id=head_id, case_ids=sorted(ids)), robust=True
        )
    return summaries


def _schedule_notify(*, head_id: int, case_ids: list[int]) -> None:
    from complaints.tasks import import_overdue_notify

    import_overdue_notify.delay(head_id=head_id, case_ids=case_ids)


def import_overdue_notify_send(*, head_id: int, case_ids: Collection[int]) -> bool:
    """Sends an office head the summary of the imported cases of their
    offices already past a threshold; once per head and set of cases, so a
    repeated task sends nothing more. Returns whether a mail went out."""
    user = get_user_model().objects.filter(pk=head_id, is_active=True).first()
    summaries = [
        s
        for s in import_overdue_summary(case_ids=case_ids)
        if s.head is not None and s.head.pk == head_id
    ]
    if user is None or not user.email or not summaries:
        logger.warning("import summary for head %s: no recipient or nothing to tell", head_id)
        return False
    digest = hashlib.sha256(",".join(map(str, sorted(case_ids))).encode()).hexdigest()[:32]
    key = f"complaints:import-overdue:{head_id}:{digest}"
    # Claimed before sending, released if the mail fails, so that a retry
    # can send it and a duplicate delivery cannot.
    if not cache.add(key, 1, timeout=SUMMARY_ONCE_FOR):
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _summary_mail(summaries)
        send_mail(subject, body, None, [user.email], fail_silently=False)
    except BaseException:
        cache.delete(key)
        raise
    return True


def _summary_mail(summaries: list[OfficeOverdue]) -> tuple[str, str]:
    overdue = sum(len(s.overdue) for s in summaries)
    due_soon = sum(len(s.due_soon) for s in summaries)
    earliest = min(s.earliest_due for s in summaries)
    subject = gettext(
        "Imported cases: %(overdue)d overdue, %(due_soon)d due soon (earliest due %(due)s)"
    ) % {"overdue": overdue, "due_soon": due_soon, "due": earliest.isoformat()}
    lines = [
        gettext(
            "These cases were imported with deadlines already passed or close. "
            "They get no mail of their own; open them in the handler queue."
        ),
        "",
    ]
    for summary in summaries:
        lines.append(
            gettext("%(office)s: %(overdue)d overdue, %(due_soon)d due soon, earliest due %(due)s")
            % {
                "office": summary.office.display_name,
                "overdue": len(summary.overdue),
                "due_soon": len(summary.due_soon),
                "due": summary.earliest_due.isoformat(),
            }
        )
        for label, bucket in (
            (gettext("overdue"), summary.overdue),
            (gettext("due soon"), summary.due_soon),
        ):
            for code, due in sorted(bucket, key=lambda item: (item[1], item[0])):
                lines.append(f"  {code}  {due.isoformat()}  {label}")
        lines.append("")
    return subject, "\n".join(lines)
