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
