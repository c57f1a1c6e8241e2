"""Dashboard aggregates: what each role counts, by quarter, park, unit, industry, origin, kind; backlog."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import BadRequest, PermissionDenied

from enclave.dashboards.queries import (
    AGE_BUCKETS,
    DashboardFilter,
    age_bucket,
    dashboard,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 7, 20)
WAN = 1_000_000


def bars(board, key):
    return [(b.label, b.count, b.planned_fen // WAN) for b in board.chart(key).bars]


class TestCityDashboard:
    def test_it_counts_recognised_projects_by_recognition_quarter_with_empty_quarters_shown(
        self, landings, city_admin
    ):
        board = dashboard(city_admin, DashboardFilter(), today=TODAY)
        assert (board.totals.count, board.totals.planned_fen // WAN) == (4, 11_000)
        assert bars(board, "quarter") == [("2024Q2", 2, 4_000), ("2024Q3", 0, 0), ("2024Q4", 1, 2_000),
                                          ("2025Q1", 1, 5_000)]  # fmt: skip

    def test_units_are_ranked_and_a_partner_unit_counts_the_project_too(self, landings, city_admin):
        board = dashboard(city_admin, DashboardFilter(), today=TODAY)
        assert bars(board, "unit") == [("五华区", 3, 10_000), ("盘龙区", 2, 6_000)]
        assert board.chart("unit").bars[0].params == {"unit": "530102"}

    def test_parks_industries_origins_and_kinds(self, landings, city_admin):
        board = dashboard(city_admin, DashboardFilter(), today=TODAY)
        assert bars(board, "park") == [("磨憨—磨丁合作区", 3, 6_000), ("沪滇临港昆明科技城", 1, 5_000)]
        assert bars(board, "industry") == [
            ("17 纺织业", 3, 6_000),
            ("39 计算机、通信和其他电子设备制造业", 1, 5_000),
        ]
        assert bars(board, "origin") == [("上海市", 2, 4_000), ("老挝（境外）", 1, 5_000),
                                         ("市域内存量企业（流转）", 1, 2_000)]  # fmt: skip
        kinds = {label: count for label, count, _w in bars(board, "kind")}
        assert kinds == {"新招引（省外）": 2, "新招引（境外）": 1, "政策性流转": 0, "企业自主流转": 1,
                         "注册地不变更流转": 0, "仅搬迁总部或变更注册地流转": 0}  # fmt: skip
        voluntary = next(b for b in board.chart("kind").bars if b.label == "企业自主流转")
        assert voluntary.params == {"kind": "relocation", "relocation_class": "voluntary"}

    def test_the_period_filter_keeps_only_projects_recognised_in_it(self, landings, city_admin):
        board = dashboard(city_admin, DashboardFilter(period="2024"), today=TODAY)
        assert (board.totals.count, board.totals.planned_fen // WAN) == (3, 6_000)
        assert [b.label for b in board.chart("quarter").bars] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
        board = dashboard(city_admin, DashboardFilter(period="2025Q1", industry="39"), today=TODAY)
        assert board.totals.count == 1
        assert board.filter.library_params() == {"status": "recognised", "industry": "39", "year": "2025",
                                                 "quarter": "1"}  # fmt: skip

    def test_the_backlog_counts_waiting_filings_by_age_and_lists_the_oldest(self, landings, city_admin):
        board = dashboard(city_admin, DashboardFilter(), today=TODAY)
        # Filed 2024-06-03, 47 days before TODAY: the 31–90 days bucket; drafts never count.
        assert board.backlog.counts == {"filed": (0, 0, 1, 0), "under_review": (0, 0, 0, 0)}
        assert [(w.name, w.age_days) for w in board.backlog.oldest] == [("盘龙待审项目", 47)]


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, 0), (7, 0), (8, 1), (30, 1), (31, 2), (90, 2), (91, 3), (900, 3)]
)
def test_age_buckets_include_their_upper_bound(days, bucket):
    assert age_bucket(days) == bucket
    assert len(AGE_BUCKETS) == 4


class TestScopedDashboards:
    def test_a_park_sees_only_its_own_projects_and_backlog(self, landings, mohan_user):
        board = dashboard(mohan_user, DashboardFilter(), today=TODAY)
        assert board.scope.title == "磨憨—磨丁合作区" and board.filter.park == "mohan"
        assert (board.totals.count, board.totals.planned_fen // WAN) == (3, 6_000)
        assert bars(board, "park") == [("磨憨—磨丁合作区", 3, 6_000)]
        assert board.backlog.total == 1

    def test_another_park_is_refused(self, landings, lingang_user):
        with pytest.raises(PermissionDenied):
            dashboard(lingang_user, DashboardFilter(park="mohan"), today=TODAY)

    def test_a_unit_sees_only_its_unit_including_projects_it_joins_as_partner(self, landings, panlong):
        board = dashboard(panlong, DashboardFilter(), today=TODAY)
        assert board.scope.title == "盘龙区"
        assert (board.totals.count, board.totals.planned_fen // WAN) == (2, 6_000)
        assert bars(board, "unit") == [
            ("盘龙区", 2, 6_000)
        ]  # Wuhua, the Lingang project's filer, is not listed
        assert [w.name for w in board.backlog.oldest] == ["盘龙待审项目"]

    def test_a_unit_never_sees_another_units_pending_filings(self, landings, wuhua):
        board = dashboard(wuhua, DashboardFilter(), today=TODAY)
        assert board.backlog.total == 0 and board.totals.count == 3

    def test_another_unit_is_refused(self, landings, wuhua):
        with pytest.raises(PermissionDenied):
            dashboard(wuhua, DashboardFilter(unit="530103"), today=TODAY)


class TestFilterParsing:
    @pytest.mark.parametrize(
        "params, named",
        [({"period": "2024Q9"}, "period"), ({"period": "2025-03"}, "period"), ({"industry": "<script>"}, "industry"),
         ({"park": "mo han"}, "park")],
    )  # fmt: skip
    def test_a_bad_value_is_refused_naming_it_not_dropped(self, params, named):
        with pytest.raises(BadRequest, match=f"参数“{named}”"):
            DashboardFilter.from_params(params)

    def test_good_values_are_read(self):
        assert DashboardFilter.from_params({"period": "2025q1"}).period == "2025Q1"
        assert DashboardFilter.from_params({"period": "2024", "park": "mohan", "industry": "c"}) == DashboardFilter(
            period="2024", park="mohan", industry="C"
        )
