from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enclave.excel.kinds import kinds


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("导入内容"), choices=(), error_messages={"required": _("请选择导入内容")}
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件是空的，请重新选择文件")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅检查，不写入（试导入）"),
        required=False,
        help_text=_("先检查全部行并显示将新增、更新、不变的数量"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in kinds().values() if k.may_import(user)]
