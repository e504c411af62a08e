"""Seeds the demo: a user per role and a few dozen cases in varied states.

Every case is created and moved through the same services the platform uses,
so the demo data carries events, clocks and search documents like real data.
Running it again keeps the cases and resets the demo passwords.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from complaints.models import Case
from complaints.services import IntakeData, case_transition, intake_create
from core.models import Office, StaffProfile
from core.roles import Role

DEMO_OFFICE = "amr-430100"  # Changsha city bureau: sees every Changsha county
DEMO_USERS: list[tuple[str, Role | None, str]] = [
    ("operator", Role.HOTLINE_OPERATOR, "hotline-12345"),
    ("handler", Role.CASE_HANDLER, DEMO_OFFICE),
    ("mediator", Role.MEDIATOR, DEMO_OFFICE),
    ("inspector", Role.INSPECTOR, DEMO_OFFICE),
    ("supervisor", Role.SUPERVISOR, DEMO_OFFICE),
    ("officer", Role.ENFORCEMENT_OFFICER, "amr-430000"),
    ("admin", Role.ADMIN, "amr-430000"),
    ("consumer", None, ""),
]

# Paths through the state machine: (actor role, transition, parameters).
Step = tuple[str, str, dict[str, Any]]
MEDIATE: list[Step] = [("handler", "accept", {}), ("handler", "start_mediation", {"mediator": 1})]
AGREE: list[Step] = [
    *MEDIATE,
    ("mediator", "reach_agreement", {"amount": "1500.00", "payer": "seller"}),
]
COMPLAINT_PATHS: dict[str, list[Step]] = {
    "registered": [],
    "materials_requested": [("handler", "request_materials", {})],
    "accepted": [("handler", "accept", {})],
    "mediating": MEDIATE,
    "inspection_pending": [*MEDIATE, ("mediator", "request_inspection", {})],
    "agreement_reached": AGREE,
    "fulfilment": [*AGREE, ("mediator", "start_fulfilment", {})],
    "closed": [
        *AGREE,
        ("mediator", "start_fulfilment", {}),
        ("mediator", "confirm_fulfilment", {}),
        ("handler", "close", {"satisfaction": 5}),
    ],
    "not_accepted": [("handler", "decline", {"reason": "time-barred"})],
    "mediation_terminated": [
        *MEDIATE,
        ("mediator", "terminate_mediation", {"reason": "agreement-impossible"}),
    ],
    "withdrawn": [("handler", "withdraw", {})],
}
REPORT_PATHS: dict[str, list[Step]] = {
    "registered": [],
    "verifying": [("handler", "start_verification", {})],
    "case_opened": [("handler", "start_verification", {}), ("handler", "open_case", {})],
    "investigating": [
        ("handler", "start_verification", {}),
        ("handler", "open_case", {}),
        ("officer", "start_investigation", {}),
    ],
    "not_opened": [
        ("handler", "start_verification", {}),
        ("handler", "decline_case", {"reason": "insufficient-evidence"}),
    ],
}


@dataclass
class Scenario:
    kind: str
    region: str
    category: str
    problem: str
    business: str
    brand: str
    product: str
    price: str
    description: str


SCENARIOS = [
    Scenario(
        "both",
        "430102",
        "food-liquor",
        "fake-brand",
        "芙蓉区酒香烟酒商行",
        "茅台",
        "飞天53度",
        "2899",
        "购买的白酒瓶盖防伪码无法验证，口感与正品明显不同，怀疑假冒。",
    ),
    Scenario(
        "complaint",
        "430103",
        "appliances-chargers",
        "safety-hazard",
        "天心区数码配件店",
        "小米",
        "67W充电器",
        "129",
        "充电器使用两天后外壳发烫冒烟，险些引发火灾。",
    ),
    Scenario(
        "complaint",
        "430104",
        "textiles-shoes",
        "substandard",
        "岳麓区步行街鞋业",
        "李宁",
        "跑步鞋",
        "459",
        "新买的运动鞋穿一周鞋底开胶，商家拒绝退换。",
    ),
    Scenario(
        "report",
        "430181",
        "sundries-fireworks",
        "no-label",
        "浏阳市某花炮经营部",
        "",
        "组合烟花",
        "88",
        "烟花外包装无生产厂名厂址、无安全警示标识。",
    ),
    Scenario(
        "complaint",
        "430105",
        "appliances-kitchen",
        "defect",
        "开福区家电城",
        "美的",
        "电饭煲",
        "399",
        "电饭煲内胆涂层脱落，加热不均匀，要求更换。",
    ),
    Scenario(
        "complaint",
        "430111",
        "furniture-panels",
        "substandard",
        "雨花区建材市场某板材店",
        "兔宝宝",
        "E0级生态板",
        "6800",
        "装修后室内甲醛检测超标，怀疑板材不合格。",
    ),
    Scenario(
        "complaint",
        "430121",
        "food-dairy",
        "false-origin-date",
        "长沙县某超市",
        "伊利",
        "纯牛奶",
        "65",
        "牛奶生产日期标签有涂改痕迹，疑似篡改日期。",
    ),
    Scenario(
        "both",
        "430102",
        "food-liquor",
        "fake-brand",
        "芙蓉区酒香烟酒商行",
        "茅台",
        "飞天53度",
        "2999",
        "同一商行购买的茅台酒经鉴定非正品，要求退一赔三。",
    ),
    Scenario(
        "complaint",
        "430105",
        "ebike-batteries-lithium",
        "safety-hazard",
        "开福区某电动车行",
        "",
        "48V20Ah锂离子电池",
        "1280",
        "在车行更换的电动自行车锂电池充电时鼓包冒烟，险些起火，怀疑电池不合格。",
    ),
    Scenario(
        "report",
        "430111",
        "ebike-vehicles",
        "no-ccc",
        "雨花区某电动车销售店",
        "",
        "电动自行车",
        "2380",
        "店内销售的电动自行车无CCC认证标志，店员还为顾客解除限速、加装大容量电池。",
    ),
    Scenario(
        "complaint",
        "430104",
        "ebike-chargers",
        "defect",
        "岳麓区某电动车配件店",
        "",
        "48V电动车充电器",
        "85",
        "新买的电动车充电器用了一周就充不满电，外壳发烫有焦糊味，商家拒绝退换。",
    ),
    Scenario(
        "complaint",
        "430121",
        "food-packaged",
        "expired-spoiled",
        "长沙县某便利店",
        "",
        "袋装面包",
        "12.8",
        "购买的面包已过保质期三天仍在货架销售，打开后发现霉点。",
    ),
]


class Command(BaseCommand):
    help = "Seed demo users (one per role) and a few dozen cases in varied states."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=36, help="how many intakes to create")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        users, passwords = self._users()
        existing = Case.objects.count()
        if existing >= options["cases"]:
            self.stdout.write(f"{existing} cases already present; keeping them.")
        else:
            self._cases(options["cases"] - existing, users, rng)
        self._print_logins(passwords)

    def _users(self) -> tuple[dict[str, User], dict[str, str]]:
        users: dict[str, User] = {}
        passwords: dict[str, str] = {}
        with transaction.atomic():
            for username, role, office_code in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=f"demo-{username}")
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.is_staff = role is not None
                user.is_superuser = role == Role.ADMIN
                user.save()
                if role is not None:
                    user.groups.set([Group.objects.get(name=role.value)])
                    StaffProfile.objects.update_or_create(
                        user=user,
                        defaults={
                            "office": Office.objects.get(code=office_code),
                            "display_name": f"演示{role.label}",
                        },
                    )
                users[username] = user
                passwords[user.username] = password
        return users, passwords

    def _cases(self, count: int, users: dict[str, User], rng: random.Random) -> None:
        complaint_states = list(COMPLAINT_PATHS)
        report_states = list(REPORT_PATHS)
        now = timezone.now()
        for i in tqdm(range(count), desc="demo cases", unit="case"):
            scenario = SCENARIOS[i % len(SCENARIOS)]
            received = now - dt.timedelta(days=rng.randrange(0, 75), hours=rng.randrange(0, 9))
            phone = f"13{rng.randrange(100000000, 999999999)}"
            data = self._intake_data(scenario, received, phone, rng, number=i)
            result = intake_create(data=data, actor=users["operator"])
            if result.complaint is not None:
                path = COMPLAINT_PATHS[complaint_states[i % len(complaint_states)]]
                self._walk(result.complaint, path, users)
            if result.report is not None:
                self._walk(
                    result.report, REPORT_PATHS[report_states[i % len(report_states)]], users
                )

    def _intake_data(
        self,
        scenario: Scenario,
        received: dt.datetime,
        phone: str,
        rng: random.Random,
        *,
        number: int,
    ) -> IntakeData:
        channel = rng.choice(["12345", "12315", "web", "phone"])
        return IntakeData(
            kind=scenario.kind,
            channel=channel,
            work_order_no=f"DEMO{received:%Y%m%d}{number:04d}" if channel == "12345" else "",
            description=scenario.description,
            business_name=scenario.business,
            region=scenario.region,
            category=scenario.category,
            problem_type=scenario.problem,
            received_at=received,
            complainant_name=rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]),
            complainant_phone=phone,
            brand=scenario.brand,
            product_model=scenario.product,
            price=scenario.price,
            purchase_date=(received - dt.timedelta(days=rng.randrange(1, 30))).date(),
            demands="退货退款并按法律规定赔偿。",
        )

    def _walk(self, case: Case, steps: list[Step], users: dict[str, User]) -> None:
        for role, name, params in steps:
            params = dict(params)
            reason = params.pop("reason", "")
            if "mediator" in params:
                params["mediator"] = users["mediator"].pk
            case = case_transition(
                case_id=case.pk,
                name=name,
                actor=users[role],
                reason_code=reason,
                params=params,
                note="演示数据",
            )

    def _print_logins(self, passwords: dict[str, str]) -> None:
        self.stdout.write(self.style.SUCCESS("Demo logins (passwords change at every seed):"))
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<18} {password}")
        case = Case.objects.filter(kind="complaint").exclude(complainant_phone="").first()
        if case is not None:
            self.stdout.write(
                f"Track a case at /track/ with code {case.tracking_code} and phone ending "
                f"{case.complainant_phone[-4:]}"
            )
