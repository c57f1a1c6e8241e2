from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enclave.audit.models import Verb


class EventFilterForm(forms.Form):
    """Field names are the query parameters (`from`, `to`, …), so links and exports keep the filter."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        date = {"type": "date"}
        self.fields["from"] = forms.DateField(
            label=_("起始日期"), required=False, widget=forms.DateInput(date)
        )
        self.fields["to"] = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(date))
        self.fields["verb"] = forms.ChoiceField(
            label=_("类型"), required=False, choices=[("", _("全部")), *Verb.choices]
        )
        self.fields["actor"] = forms.CharField(label=_("操作人"), required=False)
        self.fields["success"] = forms.ChoiceField(
            label=_("结果"), required=False, choices=[("", _("全部")), ("1", _("成功")), ("0", _("失败"))]
        )
        self.fields["q"] = forms.CharField(label=_("对象、原因或请求ID"), required=False)
