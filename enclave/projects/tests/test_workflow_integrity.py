"""Check 11: crafted requests cannot move a project backwards or skip 审查/认定, and nothing is recognised
twice. (Two concurrent approvals on PostgreSQL: test_concurrent_review.py.)

Every workflow request a client can send — the page's action form with any action name, the file and
recognise pages, and every workflow endpoint of the API — is sent by the filing unit, the host park, the
reviewer and the city administrator against a project in every status. The only status changes that ever
happen are edges of the transition table for that request's action and that role; each change is one
StatusChange and one audit row; everything else leaves the project exactly as it was.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import client_for, make_draft, make_filed
from enclave.projects import services
from enclave.projects.models import Agreement, Project, StatusChange
from enclave.projects.workflow import TRANSITIONS, Status

pytestmark = pytest.mark.django_db

REASON = "核查后处理"
RECOGNISE_PAGE = {
    "recognised_on": "2024-06-20", "start_month": "2024-07", "end_month": "2029-06", "reason": REASON,
    "share_0": "5000", "share_1": "5000",
}  # fmt: skip
# (label, which action it asks for, how to send it)
REQUESTS = [
    *[(f"page action={a}", a, ("page_action", a)) for a in ("start_review", "return", "reject", "close")],
    ("page action=recognise", "recognise", ("page_action", "recognise")),  # not an action of that form
    ("page action=file", "file", ("page_action", "file")),
    ("page file", "file", ("page", "projects:file", {})),
    ("page recognise", "recognise", ("page", "projects:recognise", RECOGNISE_PAGE)),
    ("api file", "file", ("api", "file", {})),
    ("api start-review", "start_review", ("api", "start-review", {})),
    ("api return", "return", ("api", "return", {"reason": REASON})),
    ("api reject", "reject", ("api", "reject", {"reason": REASON})),
    ("api recognise", "recognise", ("api", "recognise", {"recognised_on": "2024-06-20"})),
    ("api close", "close", ("api", "close", {"reason": REASON})),
]
ROLES = ("wuhua", "mohan_user", "reviewer", "city_admin")


def project_in(status: str, wuhua, reviewer) -> Project:
    if status == Status.DRAFT:
        return make_draft(wuhua)
    project = make_filed(wuhua)
    if status == Status.FILED:
        return project
    if status == Status.RETURNED:
        return services.project_return(actor=reviewer, project=project, reason=REASON)
    if status == Status.REJECTED:
        return services.project_reject(actor=reviewer, project=project, reason=REASON)
    project = services.project_start_review(actor=reviewer, project=project)
    if status == Status.UNDER_REVIEW:
        return project
    import datetime as dt

    return services.project_recognise(actor=reviewer, project=project, on=dt.date(2024, 6, 20))


def send(client, project: Project, how) -> int:
    if how[0] == "page_action":
        return client.post(
            reverse("projects:action", args=[project.pk]), {"action": how[1], "reason": REASON}
        )
    if how[0] == "page":
        return client.post(reverse(how[1], args=[project.pk]), how[2])
    return client.post(
        f"/api/v1/projects/{project.pk}/{how[1]}", json.dumps(how[2]), content_type="application/json"
    )


def legal_targets(action: str, status: str, role: str) -> set[str]:
    """Where the transition table lets this role's request go from this status (refile is the file
    request on a returned filing)."""
    names = {"file": ("file", "refile")}.get(action, (action,))
    return {
        TRANSITIONS[n].target
        for n in names
        if status in TRANSITIONS[n].sources and role in TRANSITIONS[n].roles
    }


STATUSES = (
    Status.DRAFT,
    Status.FILED,
    Status.UNDER_REVIEW,
    Status.RETURNED,
    Status.REJECTED,
    Status.RECOGNISED,
)


@pytest.mark.parametrize("status", STATUSES)
def test_crafted_requests_move_a_project_only_along_the_table(
    status, wuhua, reviewer, city_admin, mohan_user
):  # fmt: skip
    users = {"wuhua": wuhua, "mohan_user": mohan_user, "reviewer": reviewer, "city_admin": city_admin}
    moved = 0
    for label, action, how in REQUESTS:
        for role in ROLES:
            project = project_in(status, wuhua, reviewer)
            before = Project.objects.filter(pk=project.pk).values().get()
            changes = StatusChange.objects.filter(project=project).count()
            events = Event.objects.filter(object_type="projects.project", object_id=str(project.pk)).count()
            response = send(client_for(users[role]), project, how)
            assert response.status_code < 500, (label, role, status)
            after = Project.objects.get(pk=project.pk)
            allowed = legal_targets(action, status, users[role].role)
            # The page's action form only takes review steps; recognition and filing have their own routes.
            if how[0] == "page_action" and action in ("recognise", "file"):
                allowed = set()
            if after.status == status:
                assert Project.objects.filter(pk=project.pk).values().get() == before, (label, role, status)
                assert StatusChange.objects.filter(project=project).count() == changes
                continue
            assert after.status in allowed, f"{role} {label}: {status} → {after.status} is not in the table"
            assert StatusChange.objects.filter(project=project).count() == changes + 1
            last = StatusChange.objects.filter(project=project).latest("id")
            assert (last.from_status, last.to_status) == (status, after.status)
            assert (
                Event.objects.filter(object_type="projects.project", object_id=str(project.pk)).count()
                >= events + 1
            )
            moved += 1
    assert moved > 0 or status in (Status.REJECTED, Status.RECOGNISED)


def test_no_project_is_recognised_without_review_and_none_twice(wuhua, reviewer, city_admin):
    import datetime as dt

    filed = make_filed(wuhua)
    for client in (client_for(reviewer), client_for(city_admin)):
        response = client.post(
            f"/api/v1/projects/{filed.pk}/recognise", json.dumps({}), content_type="application/json"
        )
        assert response.status_code == 409 and "审查" in response.json()["detail"]
        client.post(reverse("projects:recognise", args=[filed.pk]), RECOGNISE_PAGE)
    assert Project.objects.get(pk=filed.pk).status == Status.FILED

    project = services.project_start_review(actor=reviewer, project=filed)
    services.project_recognise(actor=reviewer, project=project, on=dt.date(2024, 6, 20))
    for client in (client_for(reviewer), client_for(city_admin)):
        api = client.post(
            f"/api/v1/projects/{filed.pk}/recognise", json.dumps({}), content_type="application/json"
        )
        assert api.status_code == 409
        client.post(reverse("projects:recognise", args=[filed.pk]), RECOGNISE_PAGE)
    assert Agreement.objects.filter(project=filed).count() == 1
    assert StatusChange.objects.filter(project=filed, action="recognise").count() == 1
    assert Event.objects.filter(verb="recognise", object_id=str(filed.pk)).count() == 1
    # Every recognised project went through review first.
    for project in Project.objects.filter(status=Status.RECOGNISED):
        steps = list(
            StatusChange.objects.filter(project=project).order_by("id").values_list("to_status", flat=True)
        )
        assert Status.UNDER_REVIEW in steps and steps.index(Status.UNDER_REVIEW) < steps.index(
            Status.RECOGNISED
        )
