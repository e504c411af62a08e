"""The office-scope rule of every route of the URL configuration, and how
the scope test probes it (tests/security/test_scope.py).

Every route needs a rule: ROUTE_RULES by route name (or `path:<pattern>`
for an unnamed one), and ADMIN_MODEL_RULES for the routes the admin makes
for each registered model. A route without a rule fails the test until it
gets one; a rule whose route does not exist (yet) is left unused.

A probe fills the route with the *other* office's data (ids in the path,
its phone, business or tracking code in the query or body). Scopes:

- NONE: the route serves no office's data (reference data, static pages,
  sign-in); nobody, not even a province-wide user, may find case data in it.
- OFFICE: office data, scoped by core.scope; an office-bound user finds
  nothing of the other office.
- OWN: a consumer's own case, reached with its credential (tracking code
  and phone digits); nobody else finds anything.

`refused`: the probe names the other office's object, so an office-bound
user gets no 2xx answer at all. `reveals`: the superuser's answer to the
same probe shows the other office's data, which proves the probe reaches
the data it looks for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from complaints.models import Case
from core.models import CalendarDay, CalendarYear, ClockRule, Ground, RuleSet
from tests.cases.factories import valid_credit_code
from tests.security.world import OfficeWorld

W = OfficeWorld
Fill = Callable[[OfficeWorld], dict[str, Any]]


class Scope(StrEnum):
    NONE = "no office data"
    OFFICE = "office data, scoped by core.scope"
    OWN = "a consumer's own case, by its credential"


def _nothing(_world: OfficeWorld) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Probe:
    method: str = "get"
    kwargs: Fill = _nothing
    query: Fill = _nothing
    data: Fill | None = None
    json: bool = False
    #: For a route without a name: the path to request.
    path: Callable[[OfficeWorld], str] | None = None
    #: Overrides the rule's `refused` for this probe (a form page that
    #: names no object, beside the post that does).
    refused: bool | None = None


@dataclass(frozen=True)
class Rule:
    scope: Scope
    probes: tuple[Probe, ...] = (Probe(),)
    refused: bool = False
    reveals: bool = False


def _case(w: W) -> dict[str, Any]:
    return {"pk": w.case.pk}


def _transition(w: W) -> dict[str, Any]:
    return {"pk": w.case.pk, "name": "withdraw"}


def _report(w: W) -> dict[str, Any]:
    return {"pk": w.report.pk}


def _supervisor(w: W) -> dict[str, Any]:
    return {"pk": w.supervisor.pk}


def _intake_json(w: W) -> dict[str, Any]:
    return {
        "kind": "complaint",
        "complainant_name": "探针",
        "complainant_phone": w.phone,
        "business_name": w.business_prefix,
        "region": w.region,
        "category": "food-dairy",
        "problem_type": "substandard",
        "description": "探针",
        "related_to": [w.case.pk],
    }


def _intake_form(w: W) -> dict[str, Any]:
    from core.models import ProblemType

    return {
        "kind": "complaint",
        "channel": "phone",
        "complainant_phone": w.phone,
        "complainant_name": "探针",
        "business_name": w.business_prefix,
        "city": w.region[:4] + "00",
        "region": w.region,
        "category": str(Case.objects.get(pk=w.case.pk).category_id),
        "problem_type": str(ProblemType.objects.get(code="fake-brand").pk),
        "quantity": "1",
        "description": "探针",
        "link_cases": [str(w.case.pk)],
        "merge_into": str(w.case.pk),
    }


def _searched(w: W) -> dict[str, Any]:
    return {"q": w.word}


def _hotspots(_w: W) -> dict[str, Any]:
    return {"patterns_only": "false", "min_count": "1", "include": "trend,map,terms"}


def _cell(w: W) -> dict[str, Any]:
    return {"cell": w.cell, "patterns_only": "false"}


def _admin_search_phone(w: W) -> dict[str, Any]:
    return {"q": w.phone}


def _autocomplete(source: tuple[str, str, str], term: str) -> Fill:
    """The admin's autocomplete of `source` (app, model, relation field),
    searching for one of the office's values (`term` names an attribute)."""
    app_label, model_name, field_name = source

    def fill(w: W) -> dict[str, Any]:
        return {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": getattr(w, term),
        }

    return fill


def _app(label: str) -> Fill:
    return lambda _w: {"app_label": label}


GET = Probe()
#: A page that names nothing, on a route whose other probes do.
PAGE = Probe(refused=False)

ROUTE_RULES: dict[str, Rule] = {
    # --- Platform -----------------------------------------------------------
    "healthz": Rule(Scope.NONE),
    "set_language": Rule(
        Scope.NONE, (Probe("post", data=lambda w: {"language": "en", "next": "/"}),)
    ),
    "api-schema": Rule(Scope.NONE),
    "api-docs": Rule(Scope.NONE),
    "login": Rule(Scope.NONE),
    "logout": Rule(Scope.NONE, (Probe("post"),)),
    "home": Rule(Scope.OFFICE),
    # --- Case API -----------------------------------------------------------
    "api-intake-create": Rule(
        Scope.OFFICE, (Probe("post", data=_intake_json, json=True),), refused=True
    ),
    "api-case-list": Rule(
        Scope.OFFICE,
        (GET, Probe(query=lambda w: {"q": w.case.tracking_code})),
        reveals=True,
    ),
    "api-case-detail": Rule(Scope.OFFICE, (Probe(kwargs=_case),), refused=True, reveals=True),
    "api-case-transition": Rule(
        Scope.OFFICE, (Probe("post", kwargs=_transition, data=_nothing, json=True),), refused=True
    ),
    "api-case-events": Rule(Scope.OFFICE, (Probe(kwargs=_case),), refused=True),
    "api-case-notices": Rule(
        Scope.OFFICE,
        (
            Probe(kwargs=_case),
            Probe(
                "post",
                kwargs=_case,
                data=lambda w: {"kind": "materials", "via": "sms"},
                json=True,
            ),
        ),
        refused=True,
    ),
    "api-case-extensions": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=_case,
                data=lambda w: {"clock": "acceptance", "reason": "探针"},
                json=True,
            ),
        ),
        refused=True,
    ),
    # --- Search and hotspots ------------------------------------------------
    "api-search-cases": Rule(Scope.OFFICE, (GET, Probe(query=_searched)), reveals=True),
    "api-search-export": Rule(Scope.OFFICE, (Probe(query=_searched),), reveals=True),
    "search:page": Rule(Scope.OFFICE, (Probe(query=_searched),), reveals=True),
    "hotspots-api": Rule(Scope.OFFICE, (Probe(query=_hotspots),), reveals=True),
    "hotspots-api-cases": Rule(
        Scope.OFFICE,
        (
            Probe(query=_cell),
            Probe(query=lambda w: {"cell": w.report_cell, "patterns_only": "false"}),
        ),
        reveals=True,
    ),
    "hotspots:page": Rule(Scope.NONE),
    # --- Console ------------------------------------------------------------
    "complaints:intake": Rule(Scope.OFFICE, (PAGE, Probe("post", data=_intake_form)), refused=True),
    "complaints:intake-done": Rule(Scope.OFFICE),
    "complaints:lookup-caller": Rule(
        Scope.OFFICE,
        (Probe("post", data=lambda w: {"complainant_phone": w.phone}),),
        reveals=True,
    ),
    "complaints:lookup-business": Rule(
        Scope.OFFICE,
        (Probe("post", data=lambda w: {"business_name": w.business_prefix}),),
        reveals=True,
    ),
    "complaints:lookup-counties": Rule(
        Scope.NONE, (Probe(query=lambda w: {"city": w.region[:4] + "00"}),)
    ),
    "complaints:lookup-duplicates": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                data=lambda w: {"complainant_phone": w.phone, "business_name": w.business_prefix},
            ),
        ),
        reveals=True,
    ),
    "complaints:queue": Rule(
        Scope.OFFICE,
        (GET, Probe(query=lambda w: {"q": w.case.tracking_code, "order": "received"})),
        reveals=True,
    ),
    "complaints:case-detail": Rule(
        Scope.OFFICE, (Probe(kwargs=_case),), refused=True, reveals=True
    ),
    "complaints:case-transition": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=_transition,
                data=lambda w: {"withdraw-version": str(w.case.version)},
            ),
        ),
        refused=True,
    ),
    "complaints:evidence-download": Rule(
        Scope.OFFICE,
        (Probe(kwargs=lambda w: {"pk": w.case.pk, "evidence_id": w.evidence.pk}),),
        refused=True,
        reveals=True,
    ),
    "complaints:track": Rule(
        Scope.OWN,
        (
            PAGE,
            Probe(
                "post",
                data=lambda w: {"tracking_code": w.case.tracking_code, "phone_last4": "0000"},
            ),
        ),
        refused=True,
    ),
    "complaints:track-status": Rule(
        Scope.OWN, (Probe(kwargs=lambda w: {"tracking_code": w.case.tracking_code}),), refused=True
    ),
    "complaints:case-extension": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=_case,
                data=lambda w: {
                    "clock": "acceptance",
                    "reason": "探针",
                    "version": str(w.case.version),
                },
            ),
        ),
        refused=True,
    ),
    # --- Quality supervisors ------------------------------------------------
    "supervisors:apply": Rule(Scope.NONE),
    "supervisors:me": Rule(Scope.OWN),
    "supervisors:report-new": Rule(Scope.NONE),
    "supervisors:report-detail": Rule(
        Scope.OFFICE,
        (
            Probe(kwargs=_report),
            Probe(
                "post",
                kwargs=_report,
                data=lambda w: {"action": "start_review", "version": str(w.report.version)},
            ),
        ),
        refused=True,
        reveals=True,
    ),
    "supervisors:report-photo": Rule(
        Scope.OFFICE,
        (
            Probe(
                kwargs=lambda w: {
                    "pk": w.report.pk,
                    "photo_id": w.report.photos.order_by("pk").first().pk,  # type: ignore[union-attr]
                }
            ),
        ),
        refused=True,
    ),
    "supervisors:office": Rule(Scope.OFFICE, reveals=True),
    "supervisors:supervisor-action": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=lambda w: {"pk": w.supervisor.pk, "name": "suspend"},
                data=lambda w: {"reason": "探针"},
            ),
        ),
        refused=True,
    ),
    # Published spot-check results: no office's data.
    "supervisors:business-spotchecks": Rule(
        Scope.NONE, (Probe(kwargs=lambda w: {"credit_code": valid_credit_code()}),)
    ),
    "supervisors:supervisor-training": Rule(
        Scope.OFFICE,
        (
            Probe(kwargs=_supervisor),
            Probe(
                "post",
                kwargs=_supervisor,
                data=lambda w: {"title": "探针", "held_on": "2026-11-30", "hours": "2"},
            ),
        ),
        refused=True,
        reveals=True,
    ),
    "api-supervisor-apply": Rule(Scope.OWN, (Probe("post", data=_nothing, json=True),)),
    "api-supervisor-list": Rule(Scope.OFFICE, reveals=True),
    "api-supervisor-me": Rule(Scope.OWN),
    "api-supervisor-activity": Rule(Scope.OFFICE, reveals=True),
    "api-supervisor-detail": Rule(
        Scope.OFFICE, (Probe(kwargs=_supervisor),), refused=True, reveals=True
    ),
    "api-supervisor-transition": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=lambda w: {"pk": w.supervisor.pk, "name": "suspend"},
                data=lambda w: {"reason": "探针"},
                json=True,
            ),
        ),
        refused=True,
    ),
    "api-supervisor-trainings": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=_supervisor,
                data=lambda w: {"title": "探针", "held_on": "2026-01-05", "hours": "2"},
                json=True,
            ),
        ),
        refused=True,
    ),
    "api-supervisor-report-list": Rule(Scope.OFFICE, reveals=True),
    "api-supervisor-report-detail": Rule(
        Scope.OFFICE, (Probe(kwargs=_report),), refused=True, reveals=True
    ),
    "api-supervisor-report-transition": Rule(
        Scope.OFFICE,
        (
            Probe(
                "post",
                kwargs=lambda w: {"pk": w.report.pk, "name": "start_review"},
                data=_nothing,
                json=True,
            ),
        ),
        refused=True,
    ),
    # Published spot-check results: the same for every office.
    "api-spot-check-list": Rule(Scope.NONE),
    # --- Admin site views ---------------------------------------------------
    "admin:index": Rule(Scope.OFFICE),
    "admin:login": Rule(Scope.NONE),
    "admin:logout": Rule(Scope.NONE, (Probe("post"),)),
    "admin:password_change": Rule(Scope.NONE),
    "admin:password_change_done": Rule(Scope.NONE),
    "admin:jsi18n": Rule(Scope.NONE),
    "admin:autocomplete": Rule(
        Scope.OFFICE,
        tuple(
            Probe(query=_autocomplete(source, term))
            for source in (
                ("complaints", "evidence", "case"),
                ("complaints", "notice", "case"),
                ("search", "hotspotalert", "lead"),
            )
            for term in ("phone", "business_prefix")
        ),
        reveals=True,
    ),
    "admin:view_on_site": Rule(
        Scope.OFFICE,
        (
            Probe(
                kwargs=lambda w: {
                    "content_type_id": ContentType.objects.get_for_model(Case).pk,
                    "object_id": w.case.pk,
                }
            ),
        ),
        refused=True,
    ),
    "admin:app_list": Rule(
        Scope.OFFICE,
        tuple(
            Probe(kwargs=_app(label))
            for label in ("complaints", "core", "search", "supervisors", "arbitration", "auth")
        ),
    ),
    "path:admin/(?P<url>.*)$": Rule(
        Scope.OFFICE, (Probe(path=lambda w: f"/admin/complaints/case/{w.case.pk}/x/"),)
    ),
    "admin:auth_user_password_change": Rule(
        Scope.NONE, (Probe(kwargs=lambda w: {"id": w.users["case_handler"].pk}),)
    ),
    "admin:core_ruleset_new_version": Rule(
        Scope.NONE,
        (Probe(kwargs=lambda w: {"object_id": RuleSet.objects.first().pk}),),  # type: ignore[union-attr]
    ),
}


@dataclass(frozen=True)
class AdminModelRule:
    """The admin routes of one model: changelist (with searches for the
    other office's phone and tracking code, and as a related-object popup),
    add, change, history, delete and the bare object URL, filled with the
    object `pick` returns."""

    scope: Scope
    pick: Callable[[OfficeWorld], Any]
    #: Its rows belong to an office: the other office's object is refused.
    refused: bool = False
    #: The superuser's changelist shows the other office's data.
    reveals: bool = False
    #: So does its change page (None: as the changelist).
    change_reveals: bool | None = None
    searches: tuple[Fill, ...] = field(default=())


def _first(model: Any) -> Callable[[OfficeWorld], Any]:
    return lambda _w: model.objects.order_by("pk").values_list("pk", flat=True).first() or 1


_CASE_SEARCHES: tuple[Fill, ...] = (
    _admin_search_phone,
    lambda w: {"q": w.case.tracking_code},
    lambda w: {"_popup": "1", "_to_field": "id"},
)

ADMIN_MODEL_RULES: dict[str, AdminModelRule] = {
    "complaints.case": AdminModelRule(
        Scope.OFFICE, lambda w: w.case.pk, refused=True, reveals=True, searches=_CASE_SEARCHES
    ),
    "complaints.evidence": AdminModelRule(
        Scope.OFFICE,
        lambda w: w.evidence.pk,
        refused=True,
        reveals=True,
        searches=(lambda w: {"q": w.case.tracking_code},),
    ),
    "complaints.notice": AdminModelRule(
        Scope.OFFICE,
        lambda w: w.notice.pk,
        refused=True,
        reveals=True,
        searches=(lambda w: {"q": w.case.tracking_code},),
    ),
    "core.clock": AdminModelRule(
        Scope.OFFICE,
        lambda w: w.clock().pk,
        refused=True,
        reveals=True,
        # The form shows the owner's id, not its tracking code.
        change_reveals=False,
        searches=(lambda w: {"q": str(w.case.pk)},),
    ),
    "core.event": AdminModelRule(
        Scope.OFFICE,
        lambda w: w.event().pk,
        refused=True,
        reveals=True,
        # The form shows the owner's id, not its tracking code.
        change_reveals=False,
        searches=(lambda w: {"q": str(w.case.pk)},),
    ),
    "core.outboxentry": AdminModelRule(
        Scope.OFFICE,
        lambda w: getattr(w.outbox_entry(), "pk", 1),
        refused=True,
        searches=(lambda w: {"q": str(w.case.pk)},),
    ),
    "search.hotspotalert": AdminModelRule(
        Scope.OFFICE,
        lambda w: w.alert.pk,
        refused=True,
        reveals=True,
        searches=(lambda w: {"q": w.case.tracking_code},),
    ),
    "search.searchalias": AdminModelRule(Scope.NONE, _first(apps.get_model("search.searchalias"))),
    "supervisors.supervisor": AdminModelRule(
        Scope.OFFICE, lambda w: w.supervisor.pk, refused=True, reveals=True
    ),
    "supervisors.supervisorreport": AdminModelRule(
        Scope.OFFICE, lambda w: w.report.pk, refused=True, reveals=True
    ),
    "supervisors.pointsentry": AdminModelRule(
        Scope.OFFICE, _first(apps.get_model("supervisors.pointsentry")), refused=True
    ),
    "supervisors.pointsrule": AdminModelRule(
        Scope.NONE, _first(apps.get_model("supervisors.pointsrule"))
    ),
    # Published spot-check results: the same for every office.
    "supervisors.spotcheck": AdminModelRule(
        Scope.NONE, _first(apps.get_model("supervisors.spotcheck"))
    ),
    # Staff and their offices: a directory, not case data.
    "core.staffprofile": AdminModelRule(
        Scope.NONE, lambda w: w.users["case_handler"].staff_profile.pk
    ),
    "auth.user": AdminModelRule(Scope.NONE, lambda w: w.users["case_handler"].pk),
    "auth.group": AdminModelRule(Scope.NONE, _first(apps.get_model("auth.group"))),
    "authtoken.tokenproxy": AdminModelRule(Scope.NONE, lambda w: w.users["case_handler"].pk),
    # Reference data and rules, the same for every office.
    "core.region": AdminModelRule(Scope.NONE, lambda w: w.region),
    "core.productcategory": AdminModelRule(
        Scope.NONE, _first(apps.get_model("core.productcategory"))
    ),
    "core.problemtype": AdminModelRule(Scope.NONE, _first(apps.get_model("core.problemtype"))),
    "core.office": AdminModelRule(Scope.NONE, lambda w: w.office.pk),
    "core.routingrule": AdminModelRule(Scope.NONE, _first(apps.get_model("core.routingrule"))),
    "core.ruleset": AdminModelRule(Scope.NONE, _first(RuleSet)),
    "core.clockrule": AdminModelRule(Scope.NONE, _first(ClockRule)),
    "core.ground": AdminModelRule(Scope.NONE, _first(Ground)),
    "core.calendaryear": AdminModelRule(Scope.NONE, _first(CalendarYear)),
    "core.calendarday": AdminModelRule(Scope.NONE, _first(CalendarDay)),
    # Celery beat's schedules: no case data.
    **{
        f"django_celery_beat.{name}": AdminModelRule(
            Scope.NONE, _first(apps.get_model("django_celery_beat", name))
        )
        for name in (
            "periodictask",
            "clockedschedule",
            "crontabschedule",
            "solarschedule",
            "intervalschedule",
        )
    },
}
if apps.is_installed("axes"):
    # Sign-in attempts and lockouts: user names and addresses, no case data.
    ADMIN_MODEL_RULES.update(
        {
            f"axes.{name}": AdminModelRule(Scope.NONE, _first(apps.get_model("axes", name)))
            for name in ("accessattempt", "accesslog", "accessfailurelog")
        }
    )

ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_model_routes(label: str, rule: AdminModelRule) -> dict[str, Rule]:
    """The route rules the admin's routes of one model get from its rule."""
    app_label, model_name = label.split(".")
    prefix = f"admin:{app_label}_{model_name}"

    def obj(w: W) -> dict[str, Any]:
        return {"object_id": rule.pick(w)}

    listing = Rule(
        rule.scope,
        (Probe(), *(Probe(query=search) for search in rule.searches)),
        reveals=rule.reveals,
    )
    change_reveals = rule.reveals if rule.change_reveals is None else rule.change_reveals
    one = Rule(rule.scope, (Probe(kwargs=obj),), refused=rule.refused, reveals=change_reveals)
    bare = Rule(
        rule.scope,
        (Probe(path=lambda w: f"/admin/{app_label}/{model_name}/{rule.pick(w)}/"),),
        refused=rule.refused,
    )
    return {
        f"{prefix}_changelist": listing,
        f"{prefix}_add": Rule(rule.scope),
        f"{prefix}_history": Rule(rule.scope, one.probes, refused=rule.refused),
        f"{prefix}_delete": Rule(rule.scope, one.probes, refused=rule.refused),
        f"{prefix}_change": one,
        f"path:admin/{app_label}/{model_name}/<path:object_id>/": bare,
    }


# --- Quality arbitration ------------------------------------------------------
# An inspection belongs to the office of its case; the lab registry and the
# statutory calculator hold no office's data.


def _inspection(w: W) -> Any:
    """The inspection of the office's case (made here: the world has none)."""
    from arbitration.models import Inspection

    case = Case.objects.get(pk=w.case.pk)
    found = Inspection.objects.filter(case=case).order_by("pk").first()
    if found is None:
        found = Inspection.objects.create(
            case=case,
            kind="inspection",
            rule_set_id=case.rule_set_id,
            office_id=case.office_id,
            applicant="consumer",
            subject="探针",
        )
    return found


def _inspection_kwargs(w: W) -> dict[str, Any]:
    return {"pk": _inspection(w).pk}


ROUTE_RULES.update(
    {
        "api-lab-list": Rule(Scope.NONE, (GET, Probe(query=lambda w: {"category": "food"}))),
        "api-statutory-compensation": Rule(
            Scope.NONE,
            (Probe("post", data=lambda w: {"rule": "cpl-55-1", "price": "100"}, json=True),),
        ),
        "api-inspection-list": Rule(
            Scope.OFFICE,
            (Probe(query=lambda w: {"case": _inspection(w).case_id}),),
            reveals=True,
        ),
        "api-inspection-detail": Rule(
            Scope.OFFICE, (Probe(kwargs=_inspection_kwargs),), refused=True, reveals=True
        ),
        "api-inspection-transition": Rule(
            Scope.OFFICE,
            (
                Probe(
                    "post",
                    kwargs=lambda w: {"pk": _inspection(w).pk, "name": "accept"},
                    data=_nothing,
                    json=True,
                ),
            ),
            refused=True,
        ),
        "api-sample-custody": Rule(
            Scope.OFFICE,
            (
                Probe(
                    "post",
                    kwargs=lambda w: {"pk": _inspection(w).pk, "sample_pk": 1},
                    data=lambda w: {"action": "received", "holder": "探针"},
                    json=True,
                ),
            ),
            refused=True,
        ),
        "arbitration:inspection-list": Rule(Scope.OFFICE, reveals=True),
        "arbitration:inspection-detail": Rule(
            Scope.OFFICE, (Probe(kwargs=_inspection_kwargs),), refused=True, reveals=True
        ),
        "arbitration:inspection-transition": Rule(
            Scope.OFFICE,
            (
                Probe(
                    "post",
                    kwargs=lambda w: {"pk": _inspection(w).pk, "name": "accept"},
                    data=lambda w: {"accept-version": "1"},
                ),
            ),
            refused=True,
        ),
    }
)
ADMIN_MODEL_RULES.update(
    {
        "arbitration.lab": AdminModelRule(Scope.NONE, _first(apps.get_model("arbitration.lab"))),
        "arbitration.inspection": AdminModelRule(
            Scope.OFFICE,
            lambda w: _inspection(w).pk,
            refused=True,
            reveals=True,
            # The form shows the case's id, not its tracking code.
            change_reveals=False,
        ),
    }
)


def _compensation(w: W) -> Any:
    """The agreed compensation of the office's case (made here: the world has none)."""
    from arbitration.models import Compensation

    case = Case.objects.get(pk=w.case.pk)
    found = Compensation.objects.filter(case=case).order_by("pk").first()
    if found is None:
        found = Compensation.objects.create(
            case=case,
            office_id=case.office_id,
            rule_set_id=case.rule_set_id,
            payer_kind="seller",
            payer_name=case.business_name,
        )
    return found


ROUTE_RULES.update(
    {
        "api-compensation-list": Rule(
            Scope.OFFICE,
            (
                Probe(query=lambda w: {"case": _compensation(w).case_id}),
                Probe(
                    "post",
                    data=lambda w: {
                        "case": w.case.pk,
                        "payer_kind": "seller",
                        "payer_name": "探针",
                        "items": [{"kind": "refund", "amount": "1"}],
                    },
                    json=True,
                ),
            ),
            reveals=True,
        ),
        "api-compensation-payments": Rule(
            Scope.OFFICE,
            (
                Probe(
                    "post",
                    kwargs=lambda w: {"pk": _compensation(w).pk},
                    data=lambda w: {"amount": "1", "paid_on": "2026-01-05", "method": "探针"},
                    json=True,
                ),
            ),
            refused=True,
        ),
        "api-compensation-confirm": Rule(
            Scope.OFFICE,
            (Probe("post", kwargs=lambda w: {"pk": _compensation(w).pk}, json=True),),
            refused=True,
        ),
        "api-money-recovered": Rule(
            Scope.OFFICE, (Probe(query=lambda w: {"start": "2000-01-01", "end": "2100-01-01"}),)
        ),
    }
)

ROUTE_RULES["arbitration:inspection-apply"] = Rule(
    Scope.OFFICE,
    (
        Probe(
            "post",
            data=lambda w: {
                "tracking_code": w.case.tracking_code,
                "kind": "inspection",
                "applicant": "consumer",
                "subject": "探针",
            },
        ),
    ),
    refused=True,
)
