"""Assessment (考核评估): scoring items and targets as effective-dated data, runs and their frozen results,
deductions and vetoes, and the bonus-points workflow (加分).

Indicator values are never typed in: a run computes them from the sharing app's accounting (monthly
reports, adjustments, settlement shares) and from recognised projects, and stores each value together with
the project-months it came from, so a published score can always be explained.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.parks.models import Unit


class Source(models.TextChoices):
    """What an indicator measures; how each is computed is in assessment/fetch.py."""

    PROJECTS = "projects", _("认定项目数")
    PLANNED = "planned_investment_fen", _("认定项目计划总投资")
    FIXED_ASSET = "fixed_asset_investment_fen", _("固定资产投资（核算）")
    FUNDS = "out_of_province_funds_fen", _("省外产业到位资金（核算）")
    SHARED_TAX = "shared_tax_fen", _("分享税收（县级留成分成）")
    OUTPUT = "industrial_output_fen", _("规模以上工业产值（核算）")
    REVENUE = "revenue_fen", _("限上销售额及规上服务业营业收入（核算）")


COUNT_SOURCES = frozenset({Source.PROJECTS})


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("季度考核")
    YEAR = "year", _("年度考核")


class Rule(models.TextChoices):
    RATIO_CAPPED = "ratio_capped", _("完成率计分（封顶）")
    LINEAR = "linear", _("区间线性计分")
    PASS_FAIL = "pass_fail", _("达标制")


class ScoringItem(models.Model):
    """One indicator of a tier's quarterly or annual scheme, in force from a year until a later row replaces it.

    A row with weight 0 drops the indicator from that year on. Shipped rows are defaults (is_default)."""

    tier = models.CharField(_("考核分类"), max_length=2, choices=Unit.Tier.choices)
    period_kind = models.CharField(_("考核类型"), max_length=10, choices=PeriodKind.choices)
    source = models.CharField(_("指标"), max_length=40, choices=Source.choices)
    effective_from = models.PositiveIntegerField(_("起始年度"))
    weight = models.PositiveIntegerField(_("权重（分）"))
    rule = models.CharField(_("计分规则"), max_length=20, choices=Rule.choices, default=Rule.RATIO_CAPPED)
    cap_bp = models.PositiveIntegerField(
        _("封顶完成率（基点）"), default=10000, help_text=_("完成率计分时计入的最高完成率，10000 = 100%")
    )
    floor_bp = models.PositiveIntegerField(
        _("计分下限（基点）"), default=0, help_text=_("区间线性计分时不得分的完成率上限，如 6000 = 60%")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_default = models.BooleanField(_("系统默认值（待市考核办确认）"), default=True)

    class Meta:
        ordering = ["tier", "period_kind", "-effective_from", "source"]
        verbose_name = verbose_name_plural = _("考核指标及计分规则")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "period_kind", "source", "effective_from"], name="one_item_per_year"
            ),
            models.CheckConstraint(name="item_cap_at_least_full", condition=Q(cap_bp__gte=10000)),
            models.CheckConstraint(name="item_floor_below_full", condition=Q(floor_bp__lt=10000)),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_period_kind_display()} {self.get_source_display()} {self.weight}"


class Target(models.Model):
    """The target of one indicator for a tier: a quarter's (1–4) or the year's (0), from a year on.

    Counts are whole projects; amounts are fen. Shipped rows are defaults (is_default). Rows are only added:
    a change is a new row with its reason (assessment.services.target_change); of two rows from the same
    year the later one holds, and the earlier stays as history."""

    tier = models.CharField(_("考核分类"), max_length=2, choices=Unit.Tier.choices)
    source = models.CharField(_("指标"), max_length=40, choices=Source.choices)
    quarter = models.PositiveSmallIntegerField(
        _("季度"),
        help_text=_("1–4 为季度目标，0 为年度目标"),
        choices=[(0, _("全年")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    effective_from = models.PositiveIntegerField(_("起始年度"))
    value = models.BigIntegerField(_("目标值（个或分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_default = models.BooleanField(_("系统默认值（待市考核办确认）"), default=True)
    reason = models.CharField(_("调整原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("调整时间"), null=True, blank=True)

    class Meta:
        ordering = ["tier", "quarter", "source", "-effective_from", "-id"]
        verbose_name = verbose_name_plural = _("考核目标")
        constraints = [
            models.CheckConstraint(name="target_nonnegative", condition=Q(value__gte=0)),
            models.CheckConstraint(name="target_quarter_range", condition=Q(quarter__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_source_display()} {self.get_quarter_display()} ≥{self.effective_from}"


class Deduction(models.Model):
    """A deduction (扣分) or a veto (一票否决) of a unit in a period, always with its reason."""

    DEDUCT, VETO = "deduct", "veto"
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("期间"), max_length=10)
    kind = models.CharField(
        _("类型"), max_length=10, choices=[(DEDUCT, _("扣分")), (VETO, _("一票否决"))], default=DEDUCT
    )
    points_centi = models.PositiveIntegerField(_("扣分（百分之一分）"), default=0)
    reason = models.TextField(_("原因"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "unit__sort_order", "id"]
        verbose_name = verbose_name_plural = _("扣分及否决事项")
        constraints = [models.CheckConstraint(name="deduction_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.get_kind_display()}"


class AssessmentRun(models.Model):
    """One computation of a quarter or a year. Published runs are frozen; a correction is a new run."""

    DRAFT, PUBLISHED, SUPERSEDED = "draft", "published", "superseded"
    STATUSES = [(DRAFT, _("未发布")), (PUBLISHED, _("已发布")), (SUPERSEDED, _("已被更正"))]

    period = models.CharField(_("期间"), max_length=10, db_index=True)
    period_kind = models.CharField(_("考核类型"), max_length=10, choices=PeriodKind.choices)
    provisional = models.BooleanField(_("临时结果（结算未关账）"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=STATUSES, default=DRAFT)
    input_digest = models.CharField(_("输入摘要（SM3）"), max_length=64)
    rules_digest = models.CharField(_("规则摘要（SM3）"), max_length=64)
    output_digest = models.CharField(_("结果摘要（SM3）"), max_length=64)
    scoring_version = models.CharField(_("计分版本"), max_length=10)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的运行"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("更正原因"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("考核运行")
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(status="published"), name="one_published_run_per_period"
            ),
            models.CheckConstraint(
                name="published_run_not_provisional", condition=~Q(status="published", provisional=True)
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(period)s 考核（第%(pk)s次运行）") % {"period": self.period, "pk": self.pk}

    @property
    def is_frozen(self) -> bool:
        return self.status != self.DRAFT


class UnitResult(models.Model):
    """A unit's score and ranks in a run, with the tier it was assessed in."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("考核分类"), max_length=2, choices=Unit.Tier.choices)
    base_centi = models.IntegerField(_("指标得分"))
    deductions_centi = models.IntegerField(_("扣分"))
    bonus_centi = models.IntegerField(_("加分"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    total_centi = models.IntegerField(_("总分"))
    rank = models.PositiveIntegerField(_("全市排名"))
    rank_in_tier = models.PositiveIntegerField(_("类内排名"))

    class Meta:
        ordering = ["rank", "unit__sort_order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="one_result_per_unit")]


class IndicatorResult(models.Model):
    """One indicator of a unit's result: value, target, completion and points, as the run computed them."""

    result = models.ForeignKey(UnitResult, on_delete=models.CASCADE, related_name="indicators")
    source = models.CharField(_("指标"), max_length=40, choices=Source.choices)
    value = models.BigIntegerField(_("完成值"))
    target = models.BigIntegerField(_("目标值"))
    weight = models.PositiveIntegerField(_("权重"))
    rule = models.CharField(_("计分规则"), max_length=20, choices=Rule.choices)
    completion_bp = models.BigIntegerField(_("完成率（基点）"))
    points_centi = models.IntegerField(_("得分"))
    max_centi = models.IntegerField(_("满分"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["result", "source"], name="one_indicator_per_result")]

    @property
    def missing(self) -> int:
        return max(self.target - self.value, 0)

    @property
    def is_count(self) -> bool:
        return self.source in COUNT_SOURCES


class Contribution(models.Model):
    """A project-month behind an indicator value in a run (what the drill-down shows)."""

    indicator = models.ForeignKey(IndicatorResult, on_delete=models.CASCADE, related_name="contributions")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["project_id", "month"]


# ---------------------------------------------------------------- bonus points (加分)


class BonusRule(models.Model):
    """How the DRC drafts bonus points from a year's recognised projects, in force from a year on."""

    effective_from = models.PositiveIntegerField(_("起始年度"), unique=True)
    per_project_centi = models.PositiveIntegerField(_("每个认定项目加分（百分之一分）"))
    bands = models.JSONField(
        _("投资额档次"),
        default=list,
        help_text=_("[[计划投资下限（分）, 加分（百分之一分）], …]，取项目达到的最高档"),
    )
    cap_centi = models.PositiveIntegerField(_("每个单位加分上限（百分之一分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_default = models.BooleanField(_("系统默认值（待市考核办确认）"), default=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = verbose_name_plural = _("加分规则")

    def __str__(self) -> str:
        return gettext("%(year)s年起加分规则") % {"year": self.effective_from}


class BonusProposal(models.Model):
    """A unit's bonus points of a year: drafted by the DRC, remarked on by industry bureaus, decided by the
    assessment office (confirmed as drafted or amended with a reason)."""

    DRAFTED, CONFIRMED, AMENDED = "drafted", "confirmed", "amended"
    STATUSES = [(DRAFTED, _("待确认")), (CONFIRMED, _("已确认")), (AMENDED, _("已调整确认"))]

    year = models.PositiveIntegerField(_("年度"))
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=DRAFTED)
    rule = models.ForeignKey(BonusRule, verbose_name=_("依据的加分规则"), on_delete=models.PROTECT)
    drafted_centi = models.PositiveIntegerField(_("建议加分"))
    basis = models.JSONField(_("依据（项目及分值）"), default=list)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("建议时间"))
    final_centi = models.PositiveIntegerField(_("确认加分"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_reason = models.TextField(_("调整原因"), blank=True)

    class Meta:
        ordering = ["year", "unit__sort_order", "unit__code"]
        verbose_name = verbose_name_plural = _("加分建议")
        permissions = [
            ("remark_bonus", _("行业主管部门：对加分建议提出意见")),
            ("confirm_bonus", _("市考核办：确认或调整加分")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="one_bonus_per_unit_year"),
            models.CheckConstraint(
                name="amended_bonus_has_reason", condition=~Q(status="amended") | ~Q(decision_reason="")
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s %(year)s年度加分") % {"unit": self.unit, "year": self.year}

    @property
    def is_decided(self) -> bool:
        return self.status != self.DRAFTED


class BonusRemark(models.Model):
    """An industry bureau's remark (行业主管部门意见) on a bonus proposal."""

    proposal = models.ForeignKey(BonusProposal, on_delete=models.CASCADE, related_name="remarks")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bureau = models.CharField(_("部门"), max_length=60)
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
