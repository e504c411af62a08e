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

from complaints.models import Case, Evidence, Notice
from complaints.services import case_notice_record, intake_create
from core.models import Clock, Event, Office, OutboxEntry
from core.roles import ADMIN_APPS, Role
from search.hotspots.models import HotspotAlert
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

    def clock(self) -> Clock:
        return Clock.objects.filter(owner_id=self.case.pk).order_by("pk").first()  # type: ignore[return-value]

    def event(self) -> Event:
        return Event.objects.filter(owner_id=self.case.pk).order_by("pk").first()  # type: ignore[return-value]

    def outbox_entry(self) -> OutboxEntry | None:
        return OutboxEntry.objects.filter(object_id=self.case.pk).order_by("pk").first()


def _principal(name: str, office: Office, city: str) -> Any:
    username = f"{city}-{name}"
    if name == "anonymous":
        return None
    if name == "consumer":
        return make_consumer(username=username)
    if name == "superuser":
        return get_user_model().objects.create_superuser(username, password=None)
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


def build_office(city: str, serial: int) -> OfficeWorld:
    office_code, region, label = CITIES[city]
    office = Office.objects.get(code=office_code)
    users = {name: _principal(name, office, city) for name in PRINCIPALS}
    token = secrets.token_hex(3).upper()
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
    }
    return world


def build_world() -> dict[str, OfficeWorld]:
    return {city: build_office(city, serial) for serial, city in enumerate(CITIES, start=5)}


def index_world(world: dict[str, OfficeWorld], prefix: str) -> Any:
    """Every case of the world in a search index of its own."""
    from search.backends import get_backend
    from search.documents import build_case_documents

    backend = get_backend(prefix=prefix)
    backend.drop()
    backend.ensure_index()
    docs, errors = build_case_documents(sorted(Case.objects.values_list("pk", flat=True)))
    assert not errors, errors
    result = backend.index_documents(docs)
    assert result.failed == 0, result.errors
    backend.refresh()
    return backend
