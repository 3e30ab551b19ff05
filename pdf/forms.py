"""The choices before printing: a roster's scope, a 登记表's ID number."""

from django import forms

SCOPES = [("node", "本组织"), ("subtree", "含下级组织")]


class RosterPrintForm(forms.Form):
    scope = forms.ChoiceField(
        label="范围",
        choices=SCOPES,
        initial="node",
        widget=forms.RadioSelect,
        help_text="含下级组织：按队伍分组列出各级下级组织的人员",
    )

    def __init__(self, *args, counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = counts
        self.fields["scope"].choices = [
            (value, f"{label}（{counts[value]} 人）") for value, label in SCOPES
        ]

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if not self.counts[scope]:
            raise forms.ValidationError("所选范围内暂无成员，没有可打印的名册")
        return scope


class RegistrationPrintForm(forms.Form):
    """附件3 of one volunteer; the full ID number only for those who may reveal it."""

    id_numbers = forms.ChoiceField(
        label="身份证号码",
        choices=[("masked", "脱敏"), ("full", "完整（记录查看）")],
        initial="masked",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="原因",
        required=False,
        max_length=200,
        help_text="打印完整身份证号码时填写（可不填），与查看人、时间一起记入该义工的历史记录",
    )

    def __init__(self, *args, may_reveal, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_reveal:
            del self.fields["id_numbers"]
            del self.fields["reason"]

    @property
    def full_id_number(self):
        return self.cleaned_data.get("id_numbers") == "full"
