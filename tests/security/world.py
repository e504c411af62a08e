"""Two offices with data, and a user of every role in each: the world the
scope tests probe. Changsha (city office amr-430100, cases in 芙蓉区 430102)
and Zhuzhou (amr-430200, cases in 荷塘区 430202). Each office's data carries
strings no other office's data has (tracking codes, a business, a
complainant, a phone and ID number, a word of the description, evidence
bytes), so that any answer can be scanned for the other office's data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Case, Evidence, Notice
from complaints.services import case_notice_record, intake_create
from core.models import Clock, Event, Office, OutboxEntry
from core.roles import ADMIN_APPS, Role
from search.hotspots.models import HotspotAlert
from supervisors.models import Supervisor, SupervisorReport
from supervisors.services import report_file, supervisor_apply, supervisor_transition
from supervisors.services.registry import ApplicationData
from supervisors.services.reports import ReportData
from tests.cases.factories import make_consumer, make_intake_data, make_staff, valid_id_number

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

#: Who probes, besides one user per role of core/roles.py. Each is
#: office-bound unless listed in PROVINCE_WIDE.
EXTRA_PRINCIPALS = (
    # May search and see hotspots, but only in its own office's area: the
    # role enforcement officers would have without view_all_offices.
    "office_searcher",
    # Every admin permission of the administrator role and every view
    # permission of the core app, but no view_all_offices: the widest
    # office-bound admin user there can be.
    "office_admin",
    "consumer",
    "anonymous",
    # Sees everything: proves the probes reach the data they look for.
    "superuser",
)
PRINCIPALS = (*(role.value for role in Role), *EXTRA_PRINCIPALS)
PROVINCE_WIDE = frozenset({Role.ENFORCEMENT_OFFICER.value, Role.ADMIN.value, "superuser"})

CITIES = {
    "changsha": ("amr-430100", "430102", "长沙"),
    "zhuzhou": ("amr-430200", "430202", "株洲"),
}


@dataclass
class OfficeWorld:
    name: str
    office: Office
    region: str
    users: dict[str, Any]
    case: Case
    consumer_case: Case
    evidence: Evidence
    notice: Notice
    alert: HotspotAlert
    #: The office's appointed quality supervisor (the supervisor role's
    #: user) and a report they filed.
    supervisor: Supervisor
    report: SupervisorReport
    #: As stored (E.164), the form the admin's exact search takes.
    phone: str
    id_number: str
    #: The first characters of the business name: a lookup query that
    #: matches this office's business only.
    business_prefix: str
    #: A word of the description only this office's case has.
    word: str
    #: Strings no other office may ever see.
    markers: set[str] = field(default_factory=set)

    @property
    def cases(self) -> list[Case]:
        return [self.case, self.consumer_case]

    @property
    def case_ids(self) -> set[int]:
        return {c.pk for c in self.cases}

    @property
    def cell(self) -> str:
        """The hotspot cell (county × category × seller) of the main case."""
        case = Case.objects.get(pk=self.case.pk)
        return f"{self.region}|{case.category.code}|{case.seller_key}"

    @property
    def report_cell(self) -> str:
        """The hotspot cell of the supervisor's report, as its search
        document names it."""
        from core import documents as registry

        doc_type = registry.get("supervisors.supervisorreport")
        assert doc_type is not None
        docs, _errors = doc_type.build([self.report.pk])
        return str(docs[0]["cell_county_category_seller"])

    def clock(self) -> Clock:
        return Clock.objects.filter(owner_id=self.case.pk).order_by("pk").first()  # type: ignore[return-value]

    def event(self) -> Event:
        return Event.objects.filter(owner_id=self.case.pk).order_by("pk").first()  # type: ignore[return-value]

    def outbox_entry(self) -> OutboxEntry | None:
        return OutboxEntry.objects.filter(object_id=self.case.pk).order_by("pk").first()


def _principal(name: str, office: Office, city: str, users: dict[str, Any]) -> Any:
    username = f"{city}-{name}"
    if name == "anonymous":
        return None
    if name == "consumer":
        return make_consumer(username=username)
    if name == "superuser":
        return get_user_model().objects.create_superuser(username, password=None)
    if name == Role.SUPERVISOR:
        # A quality supervisor is a member of the public the office appointed.
        return make_consumer(username=username)
    if name in (role.value for role in Role):
        # Seeded staff can all open the admin (seed_demo sets is_staff).
        return make_staff(Role(name), office, username=username, is_staff=True)
    user = make_staff(Role.CASE_HANDLER, office, username=username, is_staff=True)
    if name == "office_searcher":
        perms = Permission.objects.filter(
            content_type__app_label="complaints",
            codename__in=["view_case", "investigate_case", "view_hotspots"],
        )
    else:
        perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).exclude(
            codename="view_all_offices"
        ) | Permission.objects.filter(content_type__app_label="core", codename__startswith="view_")
    user.user_permissions.add(*perms)
    return user


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def _supervision(
    users: dict[str, Any], office: Office, region: str, label: str, token: str, serial: int
) -> tuple[Supervisor, SupervisorReport, dict[str, str]]:
    """The supervisor role's user applies, the office's handler appoints them,
    and they file a report."""
    text = {
        "name": f"{label}监督员{token}",
        "phone": f"15{serial}{token}00"[:11],
        "id_number": valid_id_number(serial=serial * 7 + 1),
        "seller": f"{label}探针烟酒店{token}",
        "seen": f"{label}探针所见{token}",
    }
    user = users[Role.SUPERVISOR]
    applied = supervisor_apply(
        data=ApplicationData(
            name=text["name"],
            phone=text["phone"],
            id_number=text["id_number"],
            office=office.pk,
            region=region,
            categories=["food-liquor"],
        ),
        actor=user,
    )
    supervisor = supervisor_transition(
        supervisor_id=applied.pk, action="appoint", actor=users[Role.CASE_HANDLER]
    )
    user.refresh_from_db()
    report = report_file(
        data=ReportData(
            finding="fake_brand",
            category="food-liquor",
            seller_name=text["seller"],
            seller_region=region,
            observed_at=timezone.now(),
            description=f"货架上的酒是假的，{text['seen']}。",
        ),
        photos=[SimpleUploadedFile("shelf.jpg", _jpeg(), content_type="image/jpeg")],
        actor=get_user_model().objects.get(pk=user.pk),
    )
    return supervisor, report, text


def build_office(city: str, serial: int) -> OfficeWorld:
    office_code, region, label = CITIES[city]
    office = Office.objects.get(code=office_code)
    users: dict[str, Any] = {}
    for name in PRINCIPALS:
        users[name] = _principal(name, office, city, users)
    # Digits only: keys derived from names (sellers, brands) are lowercased.
    token = f"{secrets.randbelow(10**6):06d}"
    business = f"{label}探针商行{token}"
    word = f"{label}探针词{token}"
    local_phone = f"13{serial}{secrets.randbelow(10**8):08d}"
    id_number = valid_id_number(serial=serial * 7)
    evidence_bytes = PNG + f"EVIDENCE-{city}-{token}".encode()
    data = make_intake_data(
        region=region,
        complainant_name=f"{label}投诉人{token}",
        complainant_phone=local_phone,
        complainant_id_number=id_number,
        business_name=business,
        business_address=f"{label}探针路{token}号",
        brand=f"{label}探针牌{token}",
        problem_type="fake-brand",
        description=f"买到假货，{word}，要求退款。",
    )
    upload = SimpleUploadedFile(f"{city}-{token}.png", evidence_bytes, content_type="image/png")
    case = intake_create(
        data=data, evidence=[upload], actor=users[Role.HOTLINE_OPERATOR.value]
    ).cases[0]
    consumer_case = intake_create(
        data=make_intake_data(region=region, business_name=f"{label}网店{token}"),
        actor=users["consumer"],
    ).cases[0]
    notice = case_notice_record(
        case_id=case.pk, kind="materials", via="sms", actor=users[Role.CASE_HANDLER.value]
    )
    alert = HotspotAlert.objects.create(
        run_on=case.received_at.date(),
        level="county",
        dimension="seller",
        cell_key=f"{region}|{case.category.code}|{case.seller_key}",
        region_id=region,
        category=case.category,
        subject=case.seller_key,
        window_start=case.received_at.date(),
        window_end=case.received_at.date(),
        count=5,
        distinct_complainants=3,
        weeks_present=1,
        weighted_count=5.0,
        score=1.0,
        change="new",
        lead=case,
        office=case.office,
    )
    evidence = Evidence.objects.get(case=case)
    supervisor, report, supervision = _supervision(users, office, region, label, token, serial)
    world = OfficeWorld(
        name=city,
        office=office,
        region=region,
        users=users,
        case=case,
        consumer_case=consumer_case,
        evidence=evidence,
        notice=notice,
        alert=alert,
        supervisor=supervisor,
        report=report,
        phone=f"+86{local_phone}",
        id_number=id_number,
        business_prefix=business[:6],
        word=word,
    )
    world.markers = {
        case.tracking_code,
        consumer_case.tracking_code,
        business,
        f"{label}网店{token}",
        data.complainant_name,
        data.business_address,
        data.brand,
        word,
        local_phone,
        id_number,
        f"EVIDENCE-{city}-{token}",
        evidence.original_name,
        *supervision.values(),
    }
    return world


def build_world() -> dict[str, OfficeWorld]:
    return {city: build_office(city, serial) for serial, city in enumerate(CITIES, start=5)}


def index_world(prefix: str) -> list[Any]:
    """Every row of every search document type (cases, supervisors'
    reports, spot checks) in indices of their own; the views to drop after."""
    from core import documents as registry
    from search.backends import get_backend

    backend = get_backend(prefix=prefix)
    views = []
    for doc_type in registry.registered():
        view = backend.for_type(doc_type)
        view.drop()
        view.ensure_index()
        ids = sorted(doc_type.rows().values_list("pk", flat=True))
        docs, errors = doc_type.build(ids)
        assert not errors, errors
        result = view.index_documents(docs)
        assert result.failed == 0, result.errors
        view.refresh()
        views.append(view)
    return views
