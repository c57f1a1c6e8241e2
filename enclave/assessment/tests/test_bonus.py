"""The bonus-points workflow: the DRC drafts, industry bureaus remark, the assessment office decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.assessment import services
from enclave.assessment.models import BonusProposal, BonusRule, UnitResult
from enclave.assessment.tests.conftest import close_year, recognise
from enclave.audit.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_projects(wuhua, panlong, reviewer):
    """Wuhua: 3000万 alone and 1.2亿 with Panlong; Panlong: 6亿 alone (all recognised in 2024)."""
    a = recognise(wuhua, reviewer, planned_wan=3000, on=dt.date(2024, 6, 20))
    b = recognise(wuhua, reviewer, partners=["530103"], planned_wan=12000, on=dt.date(2024, 9, 2))
    c = recognise(panlong, reviewer, planned_wan=60000, on=dt.date(2024, 11, 5))
    return a, b, c


def proposal(code, year=2024):
    return BonusProposal.objects.get(year=year, unit__code=code)


def test_the_drc_drafts_from_the_years_recognised_projects_by_the_rule(three_projects, city_admin):
    # Default rule: 0.5 per project, +0.5 from 1亿, +1.0 from 5亿, at most 2 points per unit.
    services.bonus_draft(actor=city_admin, year=2024)
    wuhua, panlong = proposal("530102"), proposal("530103")
    assert wuhua.drafted_centi == 50 + 100  # 3000万 → 0.5; 1.2亿 → 1.0
    assert panlong.drafted_centi == 200  # 1.2亿 → 1.0 and 6亿 → 1.5: 2.5, capped at 2
    assert [b["points_centi"] for b in panlong.basis] == [100, 150]
    assert {b["code"] for b in wuhua.basis} == {three_projects[0].code, three_projects[1].code}
    assert wuhua.status == "drafted" and wuhua.drafted_by == city_admin
    assert not BonusProposal.objects.filter(
        unit__code="530111"
    ).exists()  # nothing recognised, nothing drafted
    assert Event.objects.filter(object_type="assessment.bonusproposal", verb="create").count() == 2


def test_the_rule_is_data(three_projects, city_admin):
    BonusRule.objects.filter(effective_from=2024).update(per_project_centi=100, bands=[], cap_centi=500)
    services.bonus_draft(actor=city_admin, year=2024)
    assert proposal("530102").drafted_centi == 200 and proposal("530103").drafted_centi == 200


def test_only_the_drc_drafts(three_projects, reviewer, office):
    for actor in (reviewer, office):
        with pytest.raises(PermissionDenied):
            services.bonus_draft(actor=actor, year=2024)


def test_the_whole_workflow_with_its_audit_trail(three_projects, city_admin, bureau, office, reviewer):
    services.bonus_draft(actor=city_admin, year=2024)
    wuhua = proposal("530102")
    services.bonus_remark(actor=bureau, proposal=wuhua, text="两个项目均属轻纺产业，符合园区定位，同意")
    with pytest.raises(PermissionDenied):  # the investment bureau is not an industry bureau
        services.bonus_remark(actor=reviewer, proposal=wuhua, text="同意")
    with pytest.raises(PermissionDenied):  # a role alone (city_admin) does not make the assessment office
        services.bonus_confirm(actor=city_admin, proposal=wuhua)
    with pytest.raises(PermissionDenied):
        services.bonus_confirm(actor=bureau, proposal=wuhua)
    with pytest.raises(ValidationError) as refused:
        services.bonus_confirm(actor=office, proposal=wuhua, points_centi=100)
    assert "原因" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.bonus_confirm(actor=office, proposal=wuhua, points_centi=250, reason="表彰")
    assert "超过每个单位2分的上限" in str(refused.value)
    decided = services.bonus_confirm(
        actor=office, proposal=wuhua, points_centi=100, reason="3000万元项目尚未开工"
    )
    assert (decided.status, decided.final_centi, decided.decided_by) == ("amended", 100, office)
    services.bonus_confirm(actor=office, proposal=proposal("530103"))
    assert proposal("530103").status == "confirmed" and proposal("530103").final_centi == 200
    with pytest.raises(ValidationError, match="已确认"):
        services.bonus_confirm(actor=office, proposal=decided)
    with pytest.raises(ValidationError, match="已由市考核办确认"):
        services.bonus_remark(actor=bureau, proposal=decided, text="补充意见")
    # Redrafting leaves decided proposals alone.
    services.bonus_draft(actor=city_admin, year=2024)
    assert proposal("530102").final_centi == 100
    trail = list(
        Event.objects.filter(object_type="assessment.bonusproposal", object_id=str(wuhua.pk))
        .order_by("id")
        .values_list("verb", "actor__username", "reason")
    )
    assert trail == [
        ("create", "city", ""),
        ("update", "gongxin", ""),
        ("transition", "kaohe", "3000万元项目尚未开工"),
    ]
    # The confirmed points appear in the unit's annual result.
    close_year(city_admin)
    run = services.assessment_run(actor=city_admin, period="2024").run
    assert UnitResult.objects.get(run=run, unit__code="530102").bonus_centi == 100
    assert UnitResult.objects.get(run=run, unit__code="530103").bonus_centi == 200
    assert UnitResult.objects.get(run=run, unit__code="530111").bonus_centi == 0


def test_nobody_confirms_their_own_draft(three_projects, city_admin):
    from django.contrib.auth.models import Group

    city_admin.groups.add(Group.objects.get(name="市考核办"))
    services.bonus_draft(actor=city_admin, year=2024)
    with pytest.raises(PermissionDenied, match="不能确认自己的建议"):
        services.bonus_confirm(actor=city_admin, proposal=proposal("530102"))


def test_a_quarter_run_carries_no_bonus(three_projects, city_admin, office):
    services.bonus_draft(actor=city_admin, year=2024)
    services.bonus_confirm(actor=office, proposal=proposal("530102"))
    close_year(city_admin)
    run = services.assessment_run(actor=city_admin, period="2024Q3").run
    assert UnitResult.objects.get(run=run, unit__code="530102").bonus_centi == 0
