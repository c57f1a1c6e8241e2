"""Monthly project reports, retention rules as data, and the settlement ledger.

The ledger's unit is one project-month (`SettlementLine`), so any period's statement is the sum of its
months. A run recomputes the open months of a period; closing freezes those months for good, and a later
correction enters an open month as an `Adjustment` with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TaxType(models.Model):
    """A tax type whose county-level part is shared (增值税、企业所得税、个人所得税、其他地方税)."""

    code = models.SlugField(_("税种代码"), max_length=20, unique=True)
    name = models.CharField(_("税种名称"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = verbose_name_plural = _("税种")

    def __str__(self) -> str:
        return self.name


class RetentionRate(models.Model):
    """County-level retained rate (县级留成比例) of a tax type, in basis points, effective by month.

    Shipped values are defaults to be confirmed with the finance bureau (is_default).
    """

    tax_type = models.ForeignKey(
        TaxType, verbose_name=_("税种"), on_delete=models.PROTECT, related_name="rates"
    )
    effective_from = models.DateField(_("生效月份"), help_text=_("该月1日"))
    effective_to = models.DateField(
        _("失效月份（含）"), null=True, blank=True, help_text=_("该月1日；空表示长期有效")
    )
    rate_bp = models.PositiveIntegerField(_("县级留成比例（基点）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_default = models.BooleanField(_("系统默认值（待财政部门确认）"), default=True)

    class Meta:
        ordering = ["tax_type", "-effective_from"]
        verbose_name = verbose_name_plural = _("县级留成比例")
        constraints = [
            models.CheckConstraint(name="rate_bp_range", condition=Q(rate_bp__lte=10000)),
            models.CheckConstraint(
                name="rate_months_ordered",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(tax)s %(rate)s%% 自%(since)s") % {
            "tax": self.tax_type,
            "rate": f"{self.rate_bp / 100:g}",
            "since": f"{self.effective_from:%Y-%m}",
        }


class DataStatus(models.TextChoices):
    ESTIMATED = "estimated", _("预估")
    CONFIRMED = "confirmed", _("已确认")


INDICATORS = (
    # (field, Chinese name, counted for both places in full?)
    ("fixed_asset_investment_fen", _("固定资产投资"), True),
    ("industrial_output_fen", _("规模以上工业产值"), True),
    ("trade_sales_fen", _("限额以上商贸业销售额"), True),
    ("services_revenue_fen", _("规模以上服务业营业收入"), True),
    ("out_of_province_funds_fen", _("省外产业到位资金"), False),
    ("foreign_capital_fen", _("实际利用外资"), False),
)


class MonthlyReport(models.Model):
    """One recognised project's month: taxes paid in the host park, rebates, indicators (月度报表)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    rebates_fen = models.BigIntegerField(_("优惠政策返还（分）"), default=0)
    fixed_asset_investment_fen = models.BigIntegerField(_("固定资产投资（分）"), default=0)
    industrial_output_fen = models.BigIntegerField(_("规模以上工业产值（分）"), default=0)
    trade_sales_fen = models.BigIntegerField(_("限额以上商贸业销售额（分）"), default=0)
    services_revenue_fen = models.BigIntegerField(_("规模以上服务业营业收入（分）"), default=0)
    out_of_province_funds_fen = models.BigIntegerField(_("省外产业到位资金（分）"), default=0)
    foreign_capital_fen = models.BigIntegerField(_("实际利用外资（分）"), default=0)
    tax_status = models.CharField(
        _("税收数据状态"), max_length=10, choices=DataStatus.choices, default=DataStatus.ESTIMATED
    )
    indicator_status = models.CharField(
        _("指标数据状态"), max_length=10, choices=DataStatus.choices, default=DataStatus.ESTIMATED
    )
    tax_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_confirmed_at = models.DateTimeField(null=True, blank=True)
    indicators_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicators_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "month"]
        verbose_name = verbose_name_plural = _("项目月度报表")
        indexes = [
            # Covering index for the dashboards' indicator sums (read per project and month range without
            # touching the wide report rows); see benchmarks/README.md.
            models.Index(
                fields=["project", "month", *(field for field, _name, _both in INDICATORS)],
                name="report_indicators_cover",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_report_per_project_month"),
            models.CheckConstraint(
                name="report_amounts_nonnegative",
                condition=Q(rebates_fen__gte=0)
                & Q(fixed_asset_investment_fen__gte=0)
                & Q(industrial_output_fen__gte=0)
                & Q(trade_sales_fen__gte=0)
                & Q(services_revenue_fen__gte=0)
                & Q(out_of_province_funds_fen__gte=0)
                & Q(foreign_capital_fen__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.display_code} {self.month:%Y-%m}"


class MonthlyTax(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="taxes")
    tax_type = models.ForeignKey(TaxType, verbose_name=_("税种"), on_delete=models.PROTECT)
    paid_fen = models.BigIntegerField(_("实缴税额（分）"))

    class Meta:
        ordering = ["tax_type__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "tax_type"], name="one_tax_line_per_type"),
            models.CheckConstraint(name="tax_paid_nonnegative", condition=Q(paid_fen__gte=0)),
        ]


class AdjustmentTarget(models.TextChoices):
    RETAINED = "retained", _("县级留成")
    FIXED_ASSET_INVESTMENT = "fixed_asset_investment_fen", _("固定资产投资")
    INDUSTRIAL_OUTPUT = "industrial_output_fen", _("规模以上工业产值")
    TRADE_SALES = "trade_sales_fen", _("限额以上商贸业销售额")
    SERVICES_REVENUE = "services_revenue_fen", _("规模以上服务业营业收入")
    OUT_OF_PROVINCE_FUNDS = "out_of_province_funds_fen", _("省外产业到位资金")
    FOREIGN_CAPITAL = "foreign_capital_fen", _("实际利用外资")


class Adjustment(models.Model):
    """A correction of a closed month, settled in an open month, always with its reason (调整)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("计入月份"), help_text=_("结算该调整的开放月份（1日）"))
    concerns_month = models.DateField(_("更正月份"), help_text=_("被更正的已关闭月份（1日）"))
    target = models.CharField(_("调整对象"), max_length=30, choices=AdjustmentTarget.choices)
    amount_fen = models.BigIntegerField(_("调整金额（分，可为负）"))
    reason = models.TextField(_("原因"))
    # Voiding (作废) never deletes: it adds the reversal, an adjustment of the negated amount that lands in the
    # first open month like any other and points back here. One reversal per adjustment, none of a reversal.
    reverses = models.OneToOneField(
        "self", verbose_name=_("作废的调整"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversal",
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "id"]
        verbose_name = verbose_name_plural = _("调整记录")
        constraints = [models.CheckConstraint(name="adjustment_has_reason", condition=~Q(reason=""))]


class SettlementRun(models.Model):
    """One computation of a period. Same period and same input digest → the same run (idempotent)."""

    period = models.CharField(_("期间"), max_length=10)
    start_month = models.DateField(_("起始月份"))
    end_month = models.DateField(_("终止月份"))
    input_digest = models.CharField(_("输入摘要（SM3）"), max_length=64)
    output_digest = models.CharField(_("结果摘要（SM3）"), max_length=64)
    engine_version = models.CharField(_("引擎版本"), max_length=20)
    code_version = models.CharField(_("程序版本"), max_length=60, blank=True)
    rules_digest = models.CharField(_("规则摘要（SM3）"), max_length=64)
    retained_fen = models.BigIntegerField(_("县级留成合计（分）"))
    months_recomputed = models.PositiveIntegerField(_("重算月份数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("结算运行")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "input_digest", "rules_digest", "engine_version"], name="run_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.input_digest[:8]}"


class RunTotal(models.Model):
    """A party's total in a run, kept so a run can be re-verified later."""

    run = models.ForeignKey(SettlementRun, on_delete=models.CASCADE, related_name="totals")
    party_code = models.CharField(max_length=32)
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["party_code"]
        constraints = [models.UniqueConstraint(fields=["run", "party_code"], name="one_total_per_party")]


class ClosedMonth(models.Model):
    """A month whose settlement is frozen (关账)."""

    month = models.DateField(unique=True)
    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="closed_months")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    # The frozen month's ledger postings sealed into a chain in closing order (ledger.py): HMAC-SM3 of
    # the month's lines and shares plus the previous closed month's value.
    prev_mac = models.CharField(max_length=64, blank=True, editable=False)
    mac = models.CharField(max_length=64, blank=True, editable=False)
    # Version 2 (issue 14): the seal covers, per project code, the SM3 of the month's report figures, tax
    # lines, settlement lines and shares (`digests`), and the audit trail's head at closing.
    seal_version = models.PositiveSmallIntegerField(default=1, editable=False)
    digests = models.JSONField(null=True, blank=True, editable=False)
    audit_head_id = models.BigIntegerField(null=True, blank=True, editable=False)
    audit_head_mac = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["month"]
        verbose_name = verbose_name_plural = _("已关账月份")


class ProvisionalStatement(models.Model):
    """A quarter's provisional statement (季度预结算): the run the city paid the quarter on, figures known then
    (estimates included). Issued once; the year's true-up settles the difference (年终体制结算)."""

    period = models.CharField(_("季度"), max_length=10, unique=True)
    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="provisional_statements")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period"]
        verbose_name = verbose_name_plural = _("季度预结算")

    def __str__(self) -> str:
        return f"{self.period} 预结算"


class TrueUpStatement(models.Model):
    """A year's true-up (年终体制结算): the year settled on confirmed data against its provisional quarters.
    `digest` is the SM3 of the figures and of the runs they come from (sharing/trueup.py canonical)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="true_ups")
    quarters = models.JSONField(_("已出具预结算的季度"), default=list)
    digest = models.CharField(_("年终结算摘要（SM3）"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = _("年终体制结算")

    def __str__(self) -> str:
        return f"{self.year} 年终体制结算"


class TrueUpLine(models.Model):
    """One party's line of a true-up: each provisional quarter, the year, and the difference to settle."""

    statement = models.ForeignKey(TrueUpStatement, on_delete=models.CASCADE, related_name="lines")
    party_code = models.CharField(max_length=32)
    q1_fen = models.BigIntegerField(_("一季度预结算（分）"))
    q2_fen = models.BigIntegerField(_("二季度预结算（分）"))
    q3_fen = models.BigIntegerField(_("三季度预结算（分）"))
    q4_fen = models.BigIntegerField(_("四季度预结算（分）"))
    provisional_fen = models.BigIntegerField(_("预结算合计（分）"))
    year_fen = models.BigIntegerField(_("年度清算（分）"))
    difference_fen = models.BigIntegerField(_("应补（+）/应退（−）（分）"))

    class Meta:
        ordering = ["party_code"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "party_code"], name="one_true_up_line_per_party"),
            models.CheckConstraint(
                name="true_up_line_adds_up",
                condition=Q(provisional_fen=F("q1_fen") + F("q2_fen") + F("q3_fen") + F("q4_fen"))
                & Q(difference_fen=F("year_fen") - F("provisional_fen")),
            ),
        ]


class SettlementLine(models.Model):
    """The settled result of one project-month: the ledger row statements are summed from."""

    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="lines")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="settlement_lines")
    month = models.DateField()
    county_parts = models.JSONField(help_text=_("{税种代码: 县级部分（分）}"))
    rebates_fen = models.BigIntegerField()
    adjustments_fen = models.BigIntegerField()
    retained_fen = models.BigIntegerField()

    class Meta:
        ordering = ["month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_line_per_project_month")
        ]


class SettlementShare(models.Model):
    line = models.ForeignKey(SettlementLine, on_delete=models.CASCADE, related_name="shares")
    party_code = models.CharField(max_length=32, db_index=True)
    unit = models.ForeignKey("parks.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey("parks.Park", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["party_code"]
        constraints = [
            models.UniqueConstraint(fields=["line", "party_code"], name="one_share_per_party"),
            models.CheckConstraint(
                name="share_is_unit_xor_park",
                condition=(
                    Q(unit__isnull=False, park__isnull=True) | Q(unit__isnull=True, park__isnull=False)
                ),
            ),
        ]


class IdempotentRequest(models.Model):
    """A money-relevant API call made with an Idempotency-Key header (幂等键): the first result is kept, so a
    client that retries after a timeout gets that result instead of a second report or run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64, help_text=_("方法、路径与规范化请求体的 SM3 摘要"))
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_result_per_idempotency_key")]
