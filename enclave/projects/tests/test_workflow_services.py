from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event
from enclave.conftest import make_draft, make_enterprise, make_filed, make_recognised, project_data
from enclave.parks.models import Industry, Park
from enclave.projects import services
from enclave.projects.models import Project, StatusChange
from enclave.projects.workflow import Status, TransitionError

pytestmark = pytest.mark.django_db


class TestFiling:
    def test_filing_assigns_a_readable_code_that_never_changes(self, wuhua, reviewer):
        project = make_filed(wuhua)
        assert project.code == "MH-2024-0001"
        services.project_return(actor=reviewer, project=project, reason="补充材料")
        project.refresh_from_db()
        services.project_update(actor=wuhua, project=project, data={"name": "改名后的项目"})
        project = services.project_file(actor=wuhua, project=Project.objects.get(pk=project.pk))
        assert project.code == "MH-2024-0001"
        assert make_filed(wuhua).code == "MH-2024-0002"

    def test_it_refuses_infrastructure_real_estate_and_capital_only(self, wuhua):
        for nature in ("infrastructure", "real_estate", "capital_only"):
            draft = make_draft(wuhua, nature=nature)
            with pytest.raises(ValidationError) as exc:
                services.project_file(actor=wuhua, project=draft)
            assert "不纳入" in str(exc.value)
            assert Project.objects.get(pk=draft.pk).status == Status.DRAFT

    def test_it_refuses_a_real_estate_industry(self, wuhua):
        draft = make_draft(wuhua, industry=Industry.objects.get(code="70"))
        with pytest.raises(ValidationError):
            services.project_file(actor=wuhua, project=draft)

    def test_it_flags_an_industry_outside_the_park_positioning(self, wuhua):
        inside = make_filed(wuhua)
        outside = make_filed(wuhua, industry=Industry.objects.get(code="83"))  # 教育
        assert not inside.positioning_mismatch
        assert outside.positioning_mismatch

    def test_only_unit_users_create_filings_for_their_own_unit(self, reviewer, wuhua):
        with pytest.raises(PermissionDenied):
            services.project_create(actor=reviewer, data=project_data())
        project = services.project_create(
            actor=wuhua, data=project_data(filing_unit="530103", status="recognised")
        )
        assert project.filing_unit.code == "530102"
        assert project.status == Status.DRAFT

    def test_bad_content_is_refused_all_at_once_and_nothing_is_written(self, wuhua):
        before = Project.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.project_create(
                actor=wuhua,
                data=project_data(
                    name=" ",
                    planned_investment_fen=-5,
                    kind="relocation",
                    investment_code="2024-530102-39",
                    signed_on=dt.date(2999, 1, 1),
                ),
            )
        fields = exc.value.message_dict
        assert {"name", "planned_investment_fen", "relocation_class", "investment_code", "signed_on"} <= set(
            fields
        )
        assert Project.objects.count() == before

    def test_investment_code_must_have_the_national_form(self, wuhua):
        ok = make_draft(wuhua, investment_code="2024-530102-17-03-000123")
        assert ok.investment_code == "2024-530102-17-03-000123"
        with pytest.raises(ValidationError):
            make_draft(wuhua, investment_code="2024-990102-17-03-000123")


class TestReview:
    def test_full_path_records_who_when_and_why(self, wuhua, reviewer):
        project = make_filed(wuhua)
        project = services.project_start_review(actor=reviewer, project=project)
        project = services.project_recognise(actor=reviewer, project=project, on=dt.date(2024, 6, 20))
        assert project.status == Status.RECOGNISED
        assert project.recognised_on == dt.date(2024, 6, 20)
        steps = list(StatusChange.objects.filter(project=project).values_list("action", "actor__username"))
        assert steps == [("file", "wuhua"), ("start_review", "reviewer"), ("recognise", "reviewer")]
        assert Event.objects.filter(object_type="projects.project", object_id=str(project.pk)).count() == 4

    def test_recognition_fixes_the_default_agreement(self, wuhua, reviewer):
        project = make_recognised(wuhua, reviewer)
        parties = {(p.party_code, p.share_bp) for p in project.agreement.parties.all()}
        assert parties == {("530102", 5000), ("mohan", 5000)}
        assert project.agreement.start_month == dt.date(2024, 7, 1)
        assert project.agreement.end_month == dt.date(2029, 6, 1)

    def test_shares_must_add_up_to_10000(self, wuhua, reviewer):
        project = services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        with pytest.raises(ValidationError) as exc:
            services.project_recognise(
                actor=reviewer,
                project=project,
                parties=[
                    services.PartyShare("unit", "530102", 5000),
                    services.PartyShare("park", "mohan", 4000),
                ],
                start_month=dt.date(2024, 7, 1),
                end_month=dt.date(2026, 6, 1),
            )
        assert "10000" in str(exc.value)
        assert Project.objects.get(pk=project.pk).status == Status.UNDER_REVIEW

    def test_return_needs_a_reason_and_the_unit_can_refile(self, wuhua, reviewer):
        project = make_filed(wuhua)
        with pytest.raises(ValidationError):
            services.project_return(actor=reviewer, project=project, reason="  ")
        project = services.project_return(actor=reviewer, project=project, reason="缺少投资协议")
        assert project.status == Status.RETURNED and project.status_reason == "缺少投资协议"
        project = services.project_file(actor=wuhua, project=project)
        assert project.status == Status.FILED

    def test_it_refuses_illegal_transitions_with_a_clear_message(self, wuhua, reviewer):
        project = make_filed(wuhua)
        with pytest.raises(TransitionError) as exc:
            services.project_recognise(actor=reviewer, project=project)
        assert "审查中" in str(exc.value)
        with pytest.raises(PermissionDenied, match="您的角色无权"):
            services.project_start_review(actor=wuhua, project=project)

    def test_a_rejected_filing_cannot_be_refiled(self, wuhua, reviewer):
        project = services.project_reject(actor=reviewer, project=make_filed(wuhua), reason="非产业项目")
        with pytest.raises(TransitionError):
            services.project_file(actor=wuhua, project=project)

    def test_the_second_of_two_reviewers_acting_on_the_same_state_is_refused(
        self, wuhua, reviewer, city_admin
    ):
        project = services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        first_view = Project.objects.get(pk=project.pk)
        second_view = Project.objects.get(pk=project.pk)
        services.project_recognise(actor=reviewer, project=first_view, on=dt.date(2024, 6, 20))
        with pytest.raises(TransitionError) as exc:
            services.project_reject(actor=city_admin, project=second_view, reason="重复")
        assert "已被他人处理" in str(exc.value)
        assert StatusChange.objects.filter(project=project, to_status=Status.RECOGNISED).count() == 1
        assert not StatusChange.objects.filter(project=project, to_status=Status.REJECTED).exists()

    def test_a_park_user_reviews_only_its_own_park(self, wuhua, mohan_user, lingang_user):
        in_mohan = make_filed(wuhua)
        with pytest.raises(PermissionDenied):
            services.project_start_review(actor=lingang_user, project=in_mohan)
        assert services.project_start_review(actor=mohan_user, project=in_mohan).status == Status.UNDER_REVIEW


class TestConflicts:
    def test_two_units_filing_one_enterprise_in_one_park_is_flagged_and_resolved_by_first_contact(
        self, wuhua, panlong, reviewer, city_admin
    ):
        enterprise = make_enterprise()
        services.claim_register(actor=panlong, enterprise=enterprise, contacted_on=dt.date(2024, 3, 1), kind="visit",
                                document=_pdf("a.pdf"))  # fmt: skip
        services.claim_register(actor=wuhua, enterprise=enterprise, contacted_on=dt.date(2024, 4, 1), kind="visit",
                                document=_pdf("b.pdf"))  # fmt: skip
        first = make_filed(wuhua, enterprise=enterprise)
        second = make_filed(panlong, enterprise=enterprise)
        conflict = first.conflicts.get()
        assert set(conflict.projects.all()) == {first, second}
        assert conflict.suggested_winner == second
        services.project_start_review(actor=reviewer, project=Project.objects.get(pk=first.pk))
        with pytest.raises(TransitionError):
            services.project_recognise(actor=reviewer, project=Project.objects.get(pk=first.pk))
        services.conflict_resolve(actor=city_admin, conflict=conflict)
        assert Project.objects.get(pk=first.pk).status == Status.CLOSED
        assert "530103" not in Project.objects.get(pk=first.pk).status_reason
        assert "盘龙区" in Project.objects.get(pk=first.pk).status_reason
        assert Project.objects.get(pk=second.pk).status == Status.FILED

    def test_overriding_the_first_contact_needs_a_reason(self, wuhua, panlong, city_admin):
        enterprise = make_enterprise()
        services.claim_register(actor=panlong, enterprise=enterprise, contacted_on=dt.date(2024, 3, 1), kind="visit",
                                document=_pdf("a.pdf"))  # fmt: skip
        first = make_filed(wuhua, enterprise=enterprise)
        make_filed(panlong, enterprise=enterprise)
        conflict = first.conflicts.get()
        with pytest.raises(ValidationError):
            services.conflict_resolve(actor=city_admin, conflict=conflict, winner=first)
        resolved = services.conflict_resolve(
            actor=city_admin, conflict=conflict, winner=first, reason="五华区先签约"
        )
        assert resolved.winner == first

    def test_the_same_unit_may_file_two_projects_of_one_enterprise(self, wuhua):
        enterprise = make_enterprise()
        first = make_filed(wuhua, enterprise=enterprise)
        make_filed(wuhua, enterprise=enterprise, name="二期")
        assert not first.conflicts.exists()


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def test_parks_exist():
    assert Park.objects.filter(code__in=["mohan", "lingang"]).count() == 2
