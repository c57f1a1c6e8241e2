"""Forms of the account pages. Every error is a Chinese sentence at its field; typed values survive errors."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enclave.accounts.models import ADMIN_ROLES, Role, User
from enclave.parks.models import Park, Unit

# Names that say nothing about the person behind them (no shared or default accounts, 等保 account hygiene).
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "system", "sysadmin", "test", "guest", "user", "demo", "superuser"}
)
PHONE_RE = re.compile(r"^1\d{10}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")


def username_check(value: str) -> str:
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(
            _("不能使用“%(name)s”这类通用用户名：每个账号须对应一个具体的人。") % {"name": value}
        )
    return value


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=40)
    employee_id = forms.CharField(label=_("工号"), max_length=32)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=True), strip=False
    )

    def clean_username(self) -> str:
        value = username_check(self.cleaned_data["username"].strip())
        if User.objects.filter(username__iexact=value).exists():
            raise ValidationError(_("该用户名已被使用。"))
        return value

    def clean_employee_id(self) -> str:
        value = self.cleaned_data["employee_id"].strip()
        if User.objects.filter(employee_id=value).exists():
            raise ValidationError(_("该工号已有账号：一人只能有一个账号。"))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise ValidationError(_("手机号码须为 11 位数字，以 1 开头。"))
        return value

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip().upper()
        if value and not ID_RE.match(value):
            raise ValidationError(_("身份证号须为 18 位（最后一位可为 X）。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "password" in data and "username" in data:
            try:
                validate_password(data["password"], User(username=data["username"]))
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新的初始密码"), widget=forms.PasswordInput(render_value=True), strip=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        value = self.cleaned_data["password"]
        validate_password(value, self.user)
        return value


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.all(), required=False)
    park = forms.ModelChoiceField(label=_("所属园区"), queryset=Park.objects.all(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        from enclave.accounts.services import role_grant_check

        data = super().clean()
        if "role" in data:
            try:
                role_grant_check(
                    user=self.user, role=data["role"], unit=data.get("unit"), park=data.get("park")
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return data


class OtpResetForm(forms.Form):
    reason = forms.CharField(
        label=_("重置原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写重置原因。")},
    )


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(label=_("动态口令"), max_length=8, min_length=6)

    def clean_otp_token(self) -> str:
        value = self.cleaned_data["otp_token"].strip()
        if not value.isdigit():
            raise ValidationError(_("动态口令为 6 位数字。"))
        return value


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名、姓名或工号"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False)
    active = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部")), ("none", _("未授权")), *Role.choices]


def admin_role(role: str) -> bool:
    return role in ADMIN_ROLES


# Bounds a security administrator may set (never weaker than the 等保 level-3 profile's minimums).
POLICY_BOUNDS = {
    "password_min_length": (8, 64),
    "admin_password_min_length": (12, 64),
    "password_min_classes": (3, 4),
    "password_max_age_days": (30, 180),
    "password_history": (5, 24),
    "lockout_failures": (3, 10),
    "lockout_minutes": (10, 1440),
    "session_idle_minutes": (5, 30),
    "admin_session_idle_minutes": (5, 15),
    "session_max_hours": (1, 12),
    "dormant_days": (30, 90),
}


class SecurityPolicyForm(forms.ModelForm):
    class Meta:
        from enclave.accounts.models import SecurityPolicy

        model = SecurityPolicy
        fields = [*POLICY_BOUNDS, "otp_all_users"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, (low, high) in POLICY_BOUNDS.items():
            field = self.fields[name]
            field.help_text = _("留空则使用部署配置；可设 %(low)d–%(high)d。") % {"low": low, "high": high}
            field.widget.attrs.update({"min": low, "max": high})
        self.fields["otp_all_users"].widget = forms.Select(
            choices=[("unknown", _("使用部署配置")), ("true", _("是")), ("false", _("否"))]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, (low, high) in POLICY_BOUNDS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("须在 %(low)d 到 %(high)d 之间（不低于等级保护三级要求）。")
                    % {"low": low, "high": high},
                )
        return data
