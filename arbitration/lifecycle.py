"""Quality arbitration inspection and quality appraisal, declared once.

Each transition is one `Transition` row below: its states, the permission it
needs, the inputs it takes, the list its reason code comes from, its clock
effects, its label and confirmation, and whether it ends the inspection (so
that the complaint's mediation resumes). The django-fsm graph on
`Inspection` is built from these rows (arbitration/models/inspections.py);
the service, the console, the API and the tests read them.

Legal basis: docs/legal-basis.md §5 (产品质量仲裁检验和产品质量鉴定管理办法
第八条 to 第十七条).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.clocks.engine import ClockEffect, Op


class InspectionKind(models.TextChoices):
    # 仲裁检验鉴定办法第三条: testing by an accredited lab against a standard.
    INSPECTION = "inspection", _("quality arbitration inspection")
    # 仲裁检验鉴定办法第四条: the cause of damage to worn or damaged goods.
    APPRAISAL = "appraisal", _("quality appraisal")


class Status(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    COMMISSIONED = "commissioned", _("commissioned")
    SAMPLED = "sampled", _("sampled and sealed")
    TESTING = "testing", _("testing")
    EXPERT_GROUP = "expert_group", _("expert group formed")
    ONSITE_CHECKED = "onsite_checked", _("on-site check done")
    REPORT_ISSUED = "report_issued", _("report issued")
    OBJECTED = "objected", _("objection raised")
    FINAL = "final", _("final")
    ENDED = "ended", _("ended for non-cooperation")


class ClockKind(models.TextChoices):
    """Clock kinds of an inspection; lengths and units are rule-set data."""

    OBJECTION = "inspection_objection", _("objection to the inspection report")


class GroundKind(models.TextChoices):
    REFUSED = "inspection_refused", _("inspection refused")


#: States in which the inspection no longer holds up mediation.
FINAL_STATES = frozenset({Status.REFUSED, Status.FINAL, Status.ENDED})
OPEN_STATES = tuple(s for s in Status.values if s not in FINAL_STATES)

# Permission codenames; roles get them in core/roles.py.
PERM_APPLY = "arbitration.apply_inspection"
PERM_WORK = "arbitration.work_inspection"


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    permission: str
    label: Promise
    #: Inspections only, appraisals only, or None for both.
    kind: str | None = None
    ground_kind: str | None = None
    #: Parameters besides reason and note, parsed by arbitration.services.inputs.
    inputs: tuple[str, ...] = ()
    #: Inputs that may be left out.
    optional: tuple[str, ...] = ()
    clocks: tuple[ClockEffect, ...] = ()
    fields: tuple[str, ...] = ()
    confirm: Promise | None = None

    @property
    def danger(self) -> bool:
        return self.confirm is not None

    @property
    def ends(self) -> bool:
        return self.target in FINAL_STATES

    def fsm_kwargs(self) -> dict[str, Any]:
        conditions = []
        if self.kind == InspectionKind.INSPECTION:
            conditions.append(is_inspection)
        elif self.kind == InspectionKind.APPRAISAL:
            conditions.append(is_appraisal)
        source: Any = list(self.source) if len(self.source) > 1 else self.source[0]
        return {
            "field": "status",
            "source": source,
            "target": self.target,
            "conditions": conditions,
            "permission": self.permission,
        }


def is_inspection(obj: models.Model) -> bool:
    return getattr(obj, "kind", None) == InspectionKind.INSPECTION


def is_appraisal(obj: models.Model) -> bool:
    return getattr(obj, "kind", None) == InspectionKind.APPRAISAL


S, K = Status, ClockKind
_I, _A = InspectionKind.INSPECTION, InspectionKind.APPRAISAL
_STOP_WINDOW = ClockEffect(Op.STOP, K.OBJECTION)


def _t(name: str, source: Any, target: str, label: Promise, **kw: Any) -> Transition:
    src = tuple(source) if isinstance(source, list | tuple) else (source,)
    permission = kw.pop("permission", PERM_WORK)
    return Transition(name, src, target, permission, label, **kw)


TRANSITIONS: tuple[Transition, ...] = (
    # 仲裁检验鉴定办法第九条: accept, or refuse on a listed ground.
    _t("accept", S.APPLIED, S.ACCEPTED,
       pgettext_lazy("inspection action", "Accept the application")),
    _t("refuse", S.APPLIED, S.REFUSED, pgettext_lazy("inspection action", "Refuse the application"),
       ground_kind=GroundKind.REFUSED, fields=("status_reason",),
       confirm=_("The application is refused; mediation resumes.")),
    # 仲裁检验鉴定办法第十条、第十一条: the commission contract.
    _t("commission", S.ACCEPTED, S.COMMISSIONED,
       pgettext_lazy("inspection action", "Commission a lab"), kind=_I,
       inputs=("lab", "items", "mandatory_standard", "agreed_standard", "stated_quality",
               "sampling_method", "due_on", "fee", "fee_prepaid_by"),
       optional=("mandatory_standard", "agreed_standard", "stated_quality", "fee"),
       fields=("lab", "quality_basis", "quality_basis_detail", "sampling_method", "due_on",
               "fee", "fee_prepaid_by")),
    _t("seal_samples", S.COMMISSIONED, S.SAMPLED,
       pgettext_lazy("inspection action", "Record sampling and sealing"), kind=_I,
       inputs=("samples",)),
    _t("start_testing", S.SAMPLED, S.TESTING,
       pgettext_lazy("inspection action", "Start testing"), kind=_I),
    # 仲裁检验鉴定办法第四条: appraisal by an expert group with an on-site check.
    _t("form_expert_group", S.ACCEPTED, S.EXPERT_GROUP,
       pgettext_lazy("inspection action", "Form the expert group"), kind=_A,
       inputs=("lab", "experts", "due_on", "fee", "fee_prepaid_by"), optional=("fee",),
       fields=("lab", "experts", "due_on", "fee", "fee_prepaid_by")),
    _t("record_onsite_check", S.EXPERT_GROUP, S.ONSITE_CHECKED,
       pgettext_lazy("inspection action", "Record the on-site check"), kind=_A,
       inputs=("onsite_checked_on", "onsite_findings"),
       fields=("onsite_checked_on", "onsite_findings")),
    _t("end_for_non_cooperation", [S.ACCEPTED, S.EXPERT_GROUP, S.ONSITE_CHECKED], S.ENDED,
       pgettext_lazy("inspection action", "End: a party does not cooperate"), kind=_A,
       inputs=("party",), fields=("non_cooperating_party",),
       confirm=_("The appraisal ends without a report; mediation resumes.")),
    # 仲裁检验鉴定办法第十五条: the report; 第十七条: 15 days to object.
    _t("issue_report", [S.TESTING, S.ONSITE_CHECKED], S.REPORT_ISSUED,
       pgettext_lazy("inspection action", "Record the report"),
       inputs=("report_no", "results", "conforming", "report_file"),
       optional=("results", "report_file"),
       fields=("report_no", "conforming", "report_file", "report_issued_on"),
       clocks=(ClockEffect(Op.START, K.OBJECTION),)),
    _t("object", S.REPORT_ISSUED, S.OBJECTED,
       pgettext_lazy("inspection action", "Record an objection"),
       inputs=("party",), fields=("objecting_party",), clocks=(_STOP_WINDOW,)),
    _t("order_retest", S.OBJECTED, S.TESTING,
       pgettext_lazy("inspection action", "Order a re-test"), kind=_I,
       fields=("retest_round",)),
    _t("dismiss_objection", S.OBJECTED, S.FINAL,
       pgettext_lazy("inspection action", "Dismiss the objection: the report is final"),
       inputs=("fee_borne_by",), optional=("fee_borne_by",), fields=("fee_borne_by",),
       confirm=_("The report becomes final; mediation resumes.")),
    _t("finalize", S.REPORT_ISSUED, S.FINAL,
       pgettext_lazy("inspection action", "Make the report final"),
       inputs=("fee_borne_by",), optional=("fee_borne_by",), fields=("fee_borne_by",),
       clocks=(_STOP_WINDOW,),
       confirm=_("The report becomes final; mediation resumes.")),
)  # fmt: skip

BY_NAME: Mapping[str, Transition] = {t.name: t for t in TRANSITIONS}

#: Labels of the other events of an inspection's trail.
EVENT_LABELS: Mapping[str, Promise] = {
    "applied": pgettext_lazy("inspection action", "Application recorded"),
    "custody": pgettext_lazy("inspection action", "Sample custody recorded"),
}


def get(name: str) -> Transition | None:
    return BY_NAME.get(name)


def label(action: str) -> str:
    spec = BY_NAME.get(action)
    if spec is not None:
        return str(spec.label)
    other = EVENT_LABELS.get(action)
    return str(other) if other is not None else action
