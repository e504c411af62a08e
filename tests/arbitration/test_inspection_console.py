"""The inspector's console pages: Chinese first, labels never codes, only
the actions the user may take, field messages on a wrong input, and another
office's inspection a 404."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from arbitration.models import Inspection
from arbitration.services import inspection_apply
from complaints.models import Case
from core.roles import Role
from tests.arbitration.conftest import MakeCase
from tests.arbitration.helpers import make_lab
from tests.cases.factories import make_staff, office_for

pytestmark = pytest.mark.usefixtures("postgres")
CODE = re.compile(r">\s*[a-z]+(?:_[a-z]+)+\s*<")


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspection(mediating_case: MakeCase, mediator: Any) -> Inspection:
    return inspection_apply(
        case_id=mediating_case().pk,
        kind="inspection",
        applicant="consumer",
        subject="牛奶变质",
        actor=mediator,
    )


def test_the_list_and_the_page_speak_chinese_and_show_labels(
    inspection: Inspection, inspector: Any
) -> None:
    client = browser(inspector)
    home = client.get("/console/inspections/")
    html = home.content.decode()
    assert home.status_code == 200
    assert "仲裁检验与质量鉴定" in html and "已申请" in html and "质量仲裁检验" in html
    assert 'href="/console/inspections/"' in html  # the inspector's link in the top bar
    assert not CODE.search(html)
    page = client.get(f"/console/inspections/{inspection.pk}/").content.decode()
    assert "受理申请" in page and "不予受理申请" in page
    assert not CODE.search(page)


def test_the_page_offers_only_the_users_actions(inspection: Inspection, mediator: Any) -> None:
    page = browser(mediator).get(f"/console/inspections/{inspection.pk}/").content.decode()
    assert "受理申请" not in page
    assert "您目前对该仲裁检验没有可执行的操作。" in page


def test_an_action_from_the_page_and_its_field_messages(
    inspection: Inspection, inspector: Any
) -> None:
    client = browser(inspector)
    url = f"/console/inspections/{inspection.pk}/transitions/"
    response = client.post(url + "accept/", {"accept-version": str(inspection.version)})
    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).status == "accepted"
    outside = make_lab("ebike")
    response = client.post(
        url + "commission/",
        {"commission-lab": str(outside.pk), "commission-due_on": "2020-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html and "完成日期不能早于今天。" in html
    assert html.count("该机构的资质范围不包括本案的产品类别。") == 1
    lab = make_lab("food")
    response = client.post(
        url + "commission/",
        {
            "commission-lab": str(lab.pk),
            "commission-items": "蛋白质 | GB 19301-2010 4.3",
            "commission-mandatory_standard": "GB 19301-2010",
            "commission-sampling_method": "随机抽取2件",
            "commission-due_on": dt.date.today().isoformat(),
            "commission-fee_prepaid_by": "consumer",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/console/inspections/{inspection.pk}/").content.decode()
    assert "GB 19301-2010 4.3" in page and "法律、法规或强制性国家标准" in page


def test_another_offices_inspection_is_a_404(inspection: Inspection) -> None:
    other = browser(make_staff(Role.INSPECTOR, office_for("430202")))
    assert other.get(f"/console/inspections/{inspection.pk}/").status_code == 404
    url = f"/console/inspections/{inspection.pk}/transitions/accept/"
    assert other.post(url, {}).status_code == 404
    assert "暂无仲裁检验。" in other.get("/console/inspections/").content.decode()


def test_a_mediator_records_an_application_from_the_list(
    mediating_case: MakeCase, mediator: Any
) -> None:
    case = mediating_case()
    client = browser(mediator)
    page = client.get("/console/inspections/").content.decode()
    assert "登记仲裁检验或鉴定申请" in page and 'href="/console/inspections/"' in page
    bad = client.post("/console/inspections/apply/", {"tracking_code": "T-NONE", "kind": "x"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    unknown = client.post(
        "/console/inspections/apply/",
        {"tracking_code": "T-NONE", "kind": "inspection", "applicant": "consumer", "subject": "x"},
    )
    assert unknown.status_code == 400
    assert "您所在机关没有该查询码的投诉。" in unknown.content.decode()
    response = client.post(
        "/console/inspections/apply/",
        {
            "tracking_code": case.tracking_code,
            "kind": "appraisal",
            "applicant": "business",
            "subject": "电池鼓包原因",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(case=case)
    assert (inspection.kind, inspection.applicant) == ("appraisal", "business")
    assert Case.objects.get(pk=case.pk).status == "inspection_pending"
    again = client.post(
        "/console/inspections/apply/",
        {"tracking_code": case.tracking_code, "kind": "inspection", "applicant": "consumer",
         "subject": "再次申请"},
    )  # fmt: skip
    assert again.status_code == 302  # a second one while the case is paused
    other = browser(make_staff(Role.MEDIATOR, office_for("430202")))
    refused = other.post(
        "/console/inspections/apply/",
        {"tracking_code": case.tracking_code, "kind": "inspection", "applicant": "consumer",
         "subject": "探针"},
    )  # fmt: skip
    assert refused.status_code == 400
