"""manage.py seed_supervisors: the demo's quality supervisor (the
`demo-supervisor` login of seed_demo) appointed by the demo handler's
office, a few of their reports in varied review states, and a published
spot-check notice, all through the services. Runs once; a second run keeps
what is there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from supervisors.models import Supervisor
from supervisors.services import (
    SpotCheckRow,
    report_file,
    report_transition,
    spotcheck_upsert,
    supervisor_apply,
    supervisor_training_add,
    supervisor_transition,
)
from supervisors.services.registry import ApplicationData
from supervisors.services.reports import ReportData

REPORTS = [
    # (finding, category, brand, seller, region, description, review steps)
    ("fake_brand", "food-liquor", "茅台", "长沙市芙蓉区好运烟酒店", "430102",
     "货架上的飞天茅台瓶盖防伪码查询无效，包装印刷模糊。", ["start_review", "verify"]),
    ("substandard", "textiles-shoes", "耐克", "长沙市天心区步步高鞋城", "430103",
     "运动鞋鞋底有明显开胶，吊牌无执行标准。", ["start_review"]),
    ("no_label", "food-dairy", "", "长沙市岳麓区社区生鲜店", "430104",
     "散装奶粉无中文标签、无生产日期。", []),
]  # fmt: skip
SPOT_CHECKS = [
    SpotCheckRow(product="白酒", brand="茅台", model_batch="500ml/2026-05-12",
                 producer="贵州某某酒业有限公司", seller="长沙市芙蓉区好运烟酒店",
                 region="430102", items_tested="酒精度,甲醇,氰化物", result="不合格",
                 non_conforming_items="酒精度", category="food-liquor"),
    SpotCheckRow(product="运动鞋", brand="耐克", model_batch="42码/2026-04",
                 producer="福建某某鞋业有限公司", seller="长沙市天心区步步高鞋城",
                 region="430103", items_tested="耐折性能,剥离强度", result="合格",
                 category="textiles-shoes"),
]  # fmt: skip


class Command(BaseCommand):
    help = "Seed the demo quality supervisor, their reports and a spot-check notice."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        supervisor_user = users.filter(username="demo-supervisor").first()
        reviewer = users.filter(username="demo-handler").first()
        if supervisor_user is None or reviewer is None:
            self.stdout.write("Run seed_demo first: no demo-supervisor or demo-handler login.")
            return
        published = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
        for row in SPOT_CHECKS:
            row.published_on = published
            spotcheck_upsert(row=row, actor=None)
        if Supervisor.objects.filter(user=supervisor_user).exists():
            self.stdout.write("The demo supervisor is already there; keeping it.")
            return
        office = reviewer.staff_profile.office
        applied = supervisor_apply(
            data=ApplicationData(
                name="赵监督",
                phone="13800138000",
                id_number="430102199005171239",
                office=office.pk,
                region="430102",
                categories=["food-liquor", "textiles-shoes", "food-dairy"],
                occupation="退休质检员",
            ),
            actor=supervisor_user,
        )
        supervisor_transition(supervisor_id=applied.pk, action="appoint", actor=reviewer)
        supervisor_training_add(
            supervisor_id=applied.pk,
            title="假冒伪劣商品识别基础",
            held_on=timezone.localdate() - dt.timedelta(days=20),
            hours="4",
            actor=reviewer,
        )
        # A fresh object: permissions are cached per user object.
        supervisor_user = users.get(pk=supervisor_user.pk)
        for finding, category, brand, seller, region, text, steps in REPORTS:
            report = report_file(
                data=ReportData(
                    finding=finding,
                    category=category,
                    brand=brand,
                    seller_name=seller,
                    seller_region=region,
                    description=text,
                    observed_at=timezone.now() - dt.timedelta(days=2),
                ),
                actor=supervisor_user,
            )
            for step in steps:
                report_transition(report_id=report.pk, action=step, actor=reviewer)
        self.stdout.write(self.style.SUCCESS("Demo supervisor appointed, with reports."))
