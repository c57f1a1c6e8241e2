from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from enclave.accounts.models import Role, User
from enclave.conftest import make_filed, persona
from enclave.enterprises.models import Enterprise
from enclave.lib import periods
from enclave.lib.codes import normalise_uscc
from enclave.lib.money import parse_fen
from enclave.parks.models import Unit
from enclave.projects.models import Conflict, FirstContactClaim, Kind, Project, RelocationClass
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """This module checks the demo's real password hashing: keep Django's default hashers."""


SAMPLE = "（示例）"
# (summary arguments, projects, planned investment, enterprises) as the city's reports give them.
REPORTED = [
    (["--to", "2024-06-30"], 25, "6.38亿", 25),
    (["--from", "2024-01-01", "--to", "2024-12-31"], 48, "12.92亿", 48),
    (["--from", "2025-01-01", "--to", "2025-03-31"], 7, "1.27亿", 7),
    ([], 55, "14.19亿", 55),
    (["--park", "mohan", "--to", "2025-03-31"], 41, "11.29亿", 41),
    (["--park", "lingang", "--to", "2025-03-31"], 14, "2.90亿", 14),
]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def summary(*args: str) -> dict[str, int]:
    return json.loads(run("summary", "--json", *args))


def printed_passwords(output: str) -> dict[str, str]:
    """username → password from the account table the command prints."""
    names = set(User.objects.values_list("username", flat=True))
    rows = [line.split() for line in output.splitlines()]
    return {row[0]: row[-1] for row in rows if row and row[0] in names}


@pytest.fixture(scope="class")
def demo_media(tmp_path_factory: Any) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="class")
def demo_output(django_db_setup: Any, django_db_blocker: Any, demo_media: Path) -> Any:
    """The demo built once per class, inside a transaction rolled back afterwards (each test's own
    changes are rolled back at its end as usual), so the class's tests share one build."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media), transaction.atomic():
        yield run("demo")
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_output")
class TestDemoData:
    @pytest.mark.parametrize("args, count, planned, enterprises", REPORTED)
    def test_it_reproduces_the_reported_figures(self, args, count, planned, enterprises):
        assert summary(*args) == {
            "count": count,
            "planned_investment_fen": parse_fen(planned),
            "enterprises": enterprises,
        }

    def test_nothing_landed_before_the_measures_took_effect(self):
        assert summary("--to", "2024-04-30")["count"] == 0
        assert summary("--from", "2025-04-01")["count"] == 0

    def test_the_named_cases_are_real_records_in_the_right_unit_park_and_period(self):
        cases = [
            ("云南雅酌酒业有限公司", "530128", "mohan", periods.month(2024, 6)),
            ("中国铁塔股份有限公司昆明市分公司", "dianchi", "mohan", periods.year(2024)),
            ("维先农业(科技)云南有限公司", "530129", "lingang", periods.quarter(2025, 1)),
            ("云南骏亨经贸有限公司", "yangzonghai", "mohan", periods.month(2024, 7)),
        ]
        for name, unit, park, period in cases:
            project = Project.objects.get(enterprise__name=name)
            assert not project.is_sample and not project.enterprise.is_sample
            assert not project.name.startswith(SAMPLE)
            assert (project.filing_unit.code, project.park.code) == (unit, park)
            assert project.status == Status.RECOGNISED
            assert period.contains(project.recognised_on), name
        assert Project.objects.get(enterprise__name="云南雅酌酒业有限公司").industry.code == "15"
        assert "500" in Project.objects.get(enterprise__name="中国铁塔股份有限公司昆明市分公司").description
        junheng = Project.objects.get(enterprise__name="云南骏亨经贸有限公司")
        assert junheng.planned_investment_fen > parse_fen("1亿")
        assert junheng.enterprise.registered_capital_fen == parse_fen("520万")
        assert Project.objects.filter(is_sample=False).count() == 4

    def test_every_state_that_does_not_count_is_present_without_a_recognition_date(self):
        others = Project.objects.exclude(status=Status.RECOGNISED)
        present = set(others.values_list("status", flat=True))
        assert present == {s for s, _ in Status.CHOICES} - {Status.RECOGNISED}
        assert not others.filter(recognised_on__isnull=False).exists()
        assert Project.objects.filter(status=Status.RECOGNISED).count() == 55

    def test_the_closed_filing_lost_a_conflict_decided_by_the_earliest_evidenced_first_contact(
        self, demo_media
    ):
        closed = Project.objects.get(status=Status.CLOSED)
        conflict = Conflict.objects.get(projects=closed)
        assert conflict.status == Conflict.RESOLVED
        assert conflict.winner == conflict.suggested_winner != closed
        claims = FirstContactClaim.objects.filter(enterprise=conflict.enterprise).order_by("contacted_on")
        assert claims.count() == 2 and all(c.is_evidenced for c in claims)
        assert claims[0].unit == conflict.winner.filing_unit
        assert (demo_media / claims[0].document.name).read_bytes().startswith(b"%PDF-")

    def test_everything_but_the_named_cases_is_marked_sample(self):
        for model in (Project, Enterprise):
            for row in model.objects.all():
                assert row.is_sample == row.name.startswith(SAMPLE), row.name

    def test_every_enterprise_has_a_valid_unique_credit_code(self):
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        assert len(codes) == len(set(codes))
        assert all(normalise_uscc(code) == code for code in codes)

    def test_every_unit_kind_and_relocation_class_appears_in_industries_the_parks_want(self):
        filing = set(Project.objects.values_list("filing_unit__code", flat=True))
        assert filing == set(Unit.objects.values_list("code", flat=True))
        landed = Project.objects.filter(status=Status.RECOGNISED)
        assert set(landed.values_list("kind", flat=True)) == set(Kind.values)
        assert set(landed.values_list("relocation_class", flat=True)) - {""} == set(RelocationClass.values)
        assert not landed.filter(positioning_mismatch=True).exists()
        assert {"上海市", "福建省", "湖北省", "香港特别行政区"} <= set(
            landed.values_list("origin", flat=True)
        )

    def test_each_landing_was_filed_5_to_20_days_before_a_reviewer_recognised_it(self):
        for project in Project.objects.filter(status=Status.RECOGNISED):
            assert project.filed_on >= dt.date(2024, 5, 1)
            assert 5 <= (project.recognised_on - project.filed_on).days <= 20, project.code
            assert project.signed_on <= project.filed_on
            step = project.status_changes.get(action="recognise")
            assert step.actor.role == Role.REVIEWER
            assert project.agreement.parties.count() >= 2

    def test_the_printed_passwords_log_in_and_are_rehashed_at_full_strength(self, demo_output):
        passwords = printed_passwords(demo_output)
        assert set(passwords) == set(User.objects.values_list("username", flat=True))
        assert len(passwords) == 30
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": "wuhua", "password": passwords["wuhua"]}
        )
        assert response.status_code == 302
        user = User.objects.get(username="wuhua")
        assert user.role == Role.UNIT and user.unit.code == "530102"
        assert user.password.split("$")[1] == str(PBKDF2PasswordHasher.iterations)
        assert User.objects.get(username="mohan").check_password(passwords["mohan"])

    def test_the_finance_bureau_confirmed_the_demo_taxes_and_the_city_the_indicators(self, demo_output):
        from enclave.sharing.models import MonthlyReport

        assert User.objects.get(username="caizheng").role == Role.FINANCE
        confirmed = MonthlyReport.objects.filter(tax_status="confirmed")
        assert confirmed.exists()
        assert set(confirmed.values_list("tax_confirmed_by__username", flat=True)) == {"caizheng"}
        indicators = MonthlyReport.objects.filter(indicator_status="confirmed")
        assert set(indicators.values_list("indicators_confirmed_by__username", flat=True)) == {"city"}

    def test_a_demo_user_changes_the_seeded_password_at_first_login_then_works(self, demo_output):
        """Seeded accounts carry initial passwords: the first page after sign-in is the password change."""
        passwords = printed_passwords(demo_output)
        client = Client()
        client.post(reverse("accounts:login"), {"username": "wuhua", "password": passwords["wuhua"]})
        response = client.get(reverse("projects:library"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
        new = "Dianchi-New#2025pass"
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": passwords["wuhua"], "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 302
        assert client.get(reverse("projects:library")).status_code == 200

    def test_seeded_accounts_are_no_generic_or_superuser_accounts(self, demo_output):
        from enclave.accounts.forms import RESERVED_USERNAMES

        users = User.objects.all()
        assert not users.filter(username__in=RESERVED_USERNAMES).exists()
        assert not users.filter(is_superuser=True).exists()
        assert all(u.must_change_password for u in users)
        assert len(set(users.values_list("employee_id", flat=True))) == users.count()

    def test_it_assesses_2024_and_its_quarters_with_the_bonus_workflow(self):
        from enclave.assessment.models import AssessmentRun, BonusProposal, Contribution, UnitResult
        from enclave.audit.models import Event

        published = set(AssessmentRun.objects.filter(status="published").values_list("period", flat=True))
        assert published == {"2024Q2", "2024Q3", "2024Q4", "2024"}
        assert AssessmentRun.objects.get(period="2025Q1").provisional
        year = AssessmentRun.objects.get(period="2024")
        results = UnitResult.objects.filter(run=year)
        assert results.count() == Unit.objects.filter(is_active=True).count()
        assert sorted(results.values_list("rank", flat=True))[0] == 1
        wuhua = results.get(unit__code="530102")
        projects = set(
            Contribution.objects.filter(indicator__result=wuhua).values_list(
                "project__filing_unit__code", flat=True
            )
        )
        assert "530102" in projects
        decided = BonusProposal.objects.filter(year=2024).exclude(status="drafted")
        assert decided.count() == BonusProposal.objects.filter(year=2024).count() > 0
        assert decided.filter(status="amended").exclude(decision_reason="").exists()
        assert wuhua.bonus_centi == BonusProposal.objects.get(year=2024, unit__code="530102").final_centi
        steps = set(
            Event.objects.filter(object_type="assessment.bonusproposal").values_list("verb", flat=True)
        )
        assert steps == {"create", "update", "transition"}

    def test_running_it_again_changes_nothing_and_hides_the_passwords(self, demo_output):
        counts = (Project.objects.count(), Enterprise.objects.count(), User.objects.count())
        output = run("demo")
        assert "已存在" in output
        assert (Project.objects.count(), Enterprise.objects.count(), User.objects.count()) == counts
        assert "（已隐藏）" in output
        assert not set(printed_passwords(demo_output).values()) & set(output.split())

    def test_new_passwords_replace_the_old_ones(self, demo_output):
        old = printed_passwords(demo_output)
        new = printed_passwords(run("demo", "--new-passwords"))
        city = User.objects.get(username="city")
        assert city.check_password(new["city"]) and not city.check_password(old["city"])


class TestDemoRefusals:
    def test_it_refuses_outside_demo_mode(self, settings):
        settings.DEMO_MODE = False
        with pytest.raises(CommandError, match="演示模式"):
            run("demo")
        assert not User.objects.exists()

    def test_it_refuses_a_database_that_already_holds_projects(self, wuhua):
        make_filed(wuhua)
        with pytest.raises(CommandError, match="空库"):
            run("demo")
        assert Project.objects.count() == 1
        assert User.objects.count() == 1

    def test_it_refuses_when_a_demo_username_is_taken(self):
        persona("reviewer", Role.REVIEWER)
        with pytest.raises(CommandError, match="reviewer"):
            run("demo")
        assert User.objects.count() == 1


def test_the_demo_reproduces_wuhuas_pipeline_and_land(tmp_path, settings):
    """五华区 for its sub-park: 100+ contacted, 7 visits with 30+ enterprises, 23 intending, 3 filed, 1 agreement;
    禄劝县's 52.57亩 and 5.18万 m²; land won by 寻甸, 安宁 and 东川."""
    import json as _json
    from decimal import Decimal as _D
    from io import StringIO

    from django.core.management import call_command as _call

    from enclave.land.models import Building, LandParcel
    from enclave.land.queries import land_won_up_to
    from enclave.parks.models import SubPark

    settings.MEDIA_ROOT = tmp_path
    _call("demo", stdout=StringIO())
    subpark = SubPark.objects.get(name="云南五华产业园磨憨园区")
    out = StringIO()
    _call("funnel", "--unit", "530102", "--to", "2025-05-08", "--json", stdout=out)
    figures = _json.loads(out.getvalue())
    assert figures["contacted"] >= 100 and figures["visits"] == 7 and figures["visit_enterprises"] >= 30
    assert (figures["intending"], figures["filed"], figures["agreements"]) == (23, 3, 1)
    assert subpark.parcels.get().area_mu == _D("47.03") and subpark.planned_investment_fen == 2_920_000_000_0
    assert subpark.milestones.get(is_completion=True).due_on.isoformat() == "2025-06-30"
    luquan = LandParcel.objects.get(unit__code="530128")
    assert luquan.area_mu == _D("52.57")
    assert sum(b.floor_area_m2 for b in Building.objects.filter(subpark=luquan.subpark)) == _D("51800")
    assert luquan.subpark.tenants.count() == 8
    assert {w.unit_code for w in land_won_up_to(dt.date(2025, 5, 8))} >= {
        "530102",
        "530128",
        "530129",
        "530181",
        "530113",
    }
