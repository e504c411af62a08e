"""The lifecycles of a supervisor and of a supervisor's report, declared
once. The django-fsm graphs on the models are built from these rows, and the
services, the API and the pages read their labels and permissions from them.

Legal basis: 产品质量法第十条（社会监督）; 市场监督管理投诉举报处理办法第三章（举报）.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PERM_REVIEW_SUPERVISOR = "supervisors.review_supervisor"
PERM_REVIEW_REPORT = "supervisors.review_report"
PERM_FILE_REPORT = "supervisors.file_report"


class SupervisorStatus(models.TextChoices):
    APPLIED = "applied", _("application under review")
    APPOINTED = "appointed", _("appointed")
    REJECTED = "rejected", _("application rejected")
    SUSPENDED = "suspended", _("suspended")
    DISMISSED = "dismissed", _("dismissed")
    EXPIRED = "expired", _("term ended")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    UNDER_REVIEW = "under_review", _("under review")
    INFO_REQUESTED = "info_requested", _("more information needed")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    permission: str
    label: Promise
    #: The step needs a reason (suspension, dismissal, rejection, a question).
    needs_reason: bool = False

    def fsm_kwargs(self) -> dict[str, Any]:
        source: Any = list(self.source) if len(self.source) > 1 else self.source[0]
        return {"field": "status", "source": source, "target": self.target}


SS, RS = SupervisorStatus, ReportStatus


def _t(name: str, source: Any, target: str, perm: str, label: Promise, **kw: Any) -> Transition:
    src = tuple(source) if isinstance(source, list | tuple) else (source,)
    return Transition(name, src, target, perm, label, **kw)


SUPERVISOR_TRANSITIONS: tuple[Transition, ...] = (
    _t("appoint", SS.APPLIED, SS.APPOINTED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Appoint")),
    _t("reject", SS.APPLIED, SS.REJECTED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Reject the application"), needs_reason=True),
    _t("suspend", SS.APPOINTED, SS.SUSPENDED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Suspend"), needs_reason=True),
    _t("reinstate", SS.SUSPENDED, SS.APPOINTED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Reinstate")),
    _t("dismiss", [SS.APPOINTED, SS.SUSPENDED], SS.DISMISSED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Dismiss"), needs_reason=True),
    _t("renew", [SS.APPOINTED, SS.EXPIRED], SS.APPOINTED, PERM_REVIEW_SUPERVISOR,
       pgettext_lazy("supervisor action", "Renew the term")),
    # The term's end is the beat job's (supervisors/tasks.py), not a person's.
    _t("expire", SS.APPOINTED, SS.EXPIRED, "", pgettext_lazy("supervisor action", "End the term")),
)  # fmt: skip

REPORT_TRANSITIONS: tuple[Transition, ...] = (
    _t("start_review", RS.SUBMITTED, RS.UNDER_REVIEW, PERM_REVIEW_REPORT,
       pgettext_lazy("report action", "Start the review")),
    _t("request_info", RS.UNDER_REVIEW, RS.INFO_REQUESTED, PERM_REVIEW_REPORT,
       pgettext_lazy("report action", "Ask for more information"), needs_reason=True),
    _t("supplement", RS.INFO_REQUESTED, RS.UNDER_REVIEW, PERM_FILE_REPORT,
       pgettext_lazy("report action", "Send the information")),
    _t("verify", RS.UNDER_REVIEW, RS.VERIFIED, PERM_REVIEW_REPORT,
       pgettext_lazy("report action", "Verify")),
    _t("reject", [RS.UNDER_REVIEW, RS.INFO_REQUESTED], RS.REJECTED, PERM_REVIEW_REPORT,
       pgettext_lazy("report action", "Reject"), needs_reason=True),
)  # fmt: skip

SUPERVISOR_BY_NAME = {t.name: t for t in SUPERVISOR_TRANSITIONS}
REPORT_BY_NAME = {t.name: t for t in REPORT_TRANSITIONS}
