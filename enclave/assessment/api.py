"""API of the assessment: runs and their results (scores in points, ranks, bonus).

Reads go through assessment.queries (published runs for everyone signed in, every run for the city); runs and
publication through assessment.services (city administrator).
"""

from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from enclave.api_schemas import InputSchema, ObjectId, QueryPeriod, Text, responses
from enclave.assessment import queries, services

router = Router(tags=["考核评估"])
PeriodText = Text(10, 4)
ReasonText = Text(1000)


class UnitScoreOut(Schema):
    code: str
    name: str
    tier: str
    score: float
    rank_in_tier: int
    rank: int
    bonus: float
    deductions: float
    vetoed: bool


class AssessmentRunOut(Schema):
    period: str
    run_id: int
    status: str
    provisional: bool
    input_digest: str
    units: list[UnitScoreOut]


class RunBrief(Schema):
    run_id: int
    period: str
    period_kind: str
    status: str
    provisional: bool
    input_digest: str


class RunFilters(Schema):
    period: QueryPeriod | None = None
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


class RunIn(InputSchema):
    period: PeriodText
    provisional: bool = False
    reason: ReasonText = ""


def _brief(run: Any) -> dict[str, Any]:
    return {"run_id": run.pk, "period": run.period, "period_kind": run.period_kind, "status": run.status,
            "provisional": run.provisional, "input_digest": run.input_digest}  # fmt: skip


@router.get("/assessment/runs", response=responses(list[RunBrief]))
def assessment_run_list(request, filters: Query[RunFilters]):
    """Runs the user may see, newest first (others than the city: published and superseded runs only)."""
    runs = queries.runs_visible_to(request.user).order_by("-created_at", "-id")
    if filters.period:
        runs = runs.filter(period=filters.period.upper())
    return [_brief(r) for r in runs[filters.offset : filters.offset + filters.limit]]


@router.get("/assessment/runs/{run_id}", response=responses(AssessmentRunOut))
def assessment_run_detail(request, run_id: ObjectId):
    """A run's results: every unit's score, ranks in tier and city-wide, bonus."""
    return queries.run_summary(queries.run_for_user_or_404(request.user, run_id))


@router.post("/assessment/runs", response=responses(AssessmentRunOut))
def assessment_run_create(request, payload: RunIn):
    """Run the assessment of a quarter (2024Q3) or a year (2024) — city administrator. Same inputs, same run."""
    outcome = services.assessment_run(
        actor=request.user, period=payload.period, provisional=payload.provisional, reason=payload.reason
    )
    return queries.run_summary(outcome.run)


@router.post("/assessment/runs/{run_id}/publish", response=responses(AssessmentRunOut))
def assessment_run_publish(request, run_id: ObjectId):
    """Publish (freeze) a run — city administrator."""
    run = services.assessment_publish(
        actor=request.user, run=queries.run_for_user_or_404(request.user, run_id)
    )
    return queries.run_summary(run)
