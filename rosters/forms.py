from django import forms

from .models import RosterImport
from .reading import format_size, limit


class UploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件",
        help_text="Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GBK 编码）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = limit("MAX_BYTES")
        if upload.size > max_bytes:
            raise forms.ValidationError(
                f"文件大小为{format_size(upload.size)}，超过上限{format_size(max_bytes)}："
                "请拆分成几个文件分别导入"
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        choices=RosterImport.Mode.choices,
        initial=RosterImport.Mode.ALL,
        widget=forms.HiddenInput,
    )


class ExportForm(forms.Form):
    """导出名册: this node or with its sub-teams; full ID numbers only with a reason."""

    scope = forms.ChoiceField(
        label="范围",
        choices=[("node", "本组织"), ("subtree", "含下级组织")],
        initial="node",
        widget=forms.RadioSelect,
        help_text="含下级组织：按队伍分组，并加“所属队伍”一列",
    )
    id_numbers = forms.ChoiceField(
        label="身份证号码",
        choices=[("masked", "脱敏"), ("full", "完整")],
        initial="masked",
        # Not chosen: masked.
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="原因",
        required=False,
        max_length=200,
        help_text="导出完整身份证号码时必须填写（2至200个字），记入组织的历史记录",
    )

    def __init__(self, *args, may_reveal, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_reveal:
            del self.fields["id_numbers"]
            del self.fields["reason"]

    @property
    def full_id_numbers(self):
        return self.cleaned_data.get("id_numbers") == "full"

    def clean(self):
        cleaned = super().clean()
        if self.full_id_numbers and "reason" not in self.errors:
            reason = (cleaned.get("reason") or "").strip()
            if len(reason) < 2:
                self.add_error(
                    "reason", "导出完整身份证号码须填写原因（2至200个字），请填写"
                )
            cleaned["reason"] = reason
        return cleaned
