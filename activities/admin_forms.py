"""The admin's forms: each one parses input for one service call of activities.services."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from registry.models import CreationAction, OrgNode, ServiceCategory, Volunteer
from registry.pks import PKModelChoiceField

from .models import Activity, Commitment, Evaluation, QuarterlyReport

REQUIRED = "请填写{}"


def _messages(label):
    return {"required": REQUIRED.format(label), "invalid": f"{label}格式不正确"}


class NodeChoiceField(PKModelChoiceField):
    """A node among those the user may act on, indented by depth."""

    def label_from_instance(self, obj):
        return f"{'　' * max(obj.depth - 1, 0)}{obj.name}（{obj.code}）"


def node_field(nodes, label="组织"):
    return NodeChoiceField(
        queryset=nodes.exclude(status=OrgNode.Status.DISSOLVED).order_by("path"),
        label=label,
        error_messages={
            "required": f"请选择{label}",
            "invalid_choice": f"所选{label}不存在或不在您的管理范围内",
        },
    )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "node",
            "title",
            "mode",
            "ledger",
            "creation_action",
            "category",
            "starts_at",
            "ends_at",
            "place",
            "beneficiaries",
            "capacity",
            "leader_name",
            "leader_phone",
            "description",
        ]
        widgets = {
            "starts_at": AdminDateTimeInput,
            "ends_at": AdminDateTimeInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            name: _messages(label)
            for name, label in (
                ("title", "活动名称"),
                ("starts_at", "开始时间"),
                ("ends_at", "结束时间"),
                ("place", "地点"),
                ("capacity", "名额"),
            )
        }

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An activity stays with its node: its archive and reports hang off it.
            del self.fields["node"]
        else:
            self.fields["node"] = node_field(nodes)
        self.fields["creation_action"].queryset = CreationAction.objects.all()
        self.fields["category"].queryset = ServiceCategory.objects.all()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "结束时间不能早于开始时间")
        return cleaned

    def _post_clean(self):
        # The service validates the instance; the form only parses.
        pass

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("node", None)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写原因", "max_length": "原因最多200个字"},
    )


class DecisionForm(forms.Form):
    """The node above's 同意 / 不同意 with a note (required to refuse)."""

    decision = forms.ChoiceField(
        label="审核意见",
        choices=[("approve", "同意"), ("reject", "不同意")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择同意或不同意"},
    )
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "说明最多300个字"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", "不同意（退回）时请填写原因，说明需要修改什么")
        return cleaned

    @property
    def approve(self):
        return self.cleaned_data["decision"] == "approve"


class SignUpByLeaderForm(forms.Form):
    volunteer_number = forms.CharField(
        label="注册义工号",
        max_length=20,
        error_messages={"required": "请填写要登记报名的义工的注册义工号"},
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers

    def clean_volunteer_number(self):
        number = self.cleaned_data["volunteer_number"].strip().upper()
        volunteer = self.volunteers.filter(volunteer_number=number).first()
        if volunteer is None:
            raise ValidationError(f"您的管理范围内没有注册义工号为“{number}”的义工")
        self.volunteer = volunteer
        return number


def parse_hours(text, where):
    text = (text or "").strip()
    if not text:
        return None
    try:
        hours = Decimal(text.replace("，", ".").replace("小时", ""))
    except InvalidOperation:
        raise ValidationError(f"{where}的服务时数“{text}”不是数字") from None
    if not hours.is_finite() or hours.as_tuple().exponent < -2:
        raise ValidationError(f"{where}的服务时数最多保留两位小数")
    return hours


class RecordLineForm(forms.Form):
    """One archive line: hours blank means "not recorded" for this person."""

    volunteer = forms.ModelChoiceField(
        queryset=Volunteer.objects.none(), widget=forms.HiddenInput
    )
    served_on = forms.DateField(
        label="服务日期", widget=AdminDateInput, error_messages=_messages("服务日期")
    )
    hours = forms.CharField(label="服务时数", required=False, max_length=10)
    content = forms.CharField(label="服务内容", required=False, max_length=200)
    evaluation = forms.ModelChoiceField(
        label="服务评价",
        queryset=Evaluation.objects.all(),
        required=False,
        empty_label="（未评价）",
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers

    @property
    def person(self):
        """The volunteer this line is for, bound or not (for the row's label)."""
        if "volunteer" in self.initial:
            return self.initial["volunteer"]
        pk = self["volunteer"].value()
        if not str(pk).isdigit():
            return None
        return self.fields["volunteer"].queryset.filter(pk=pk).first()

    def clean(self):
        cleaned = super().clean()
        volunteer = cleaned.get("volunteer")
        where = volunteer.name if volunteer else "该行"
        try:
            cleaned["hours"] = parse_hours(cleaned.get("hours"), where)
        except ValidationError as error:
            self.add_error("hours", error)
        return cleaned


class BaseRecordFormSet(forms.BaseFormSet):
    def entries(self):
        return [
            {
                "volunteer": form.cleaned_data["volunteer"],
                "served_on": form.cleaned_data["served_on"],
                "hours": form.cleaned_data["hours"],
                "content": form.cleaned_data.get("content", ""),
                "evaluation": form.cleaned_data.get("evaluation"),
            }
            for form in self.forms
            if form.cleaned_data.get("hours") is not None
        ]


RecordFormSet = forms.formset_factory(
    RecordLineForm, formset=BaseRecordFormSet, extra=0, max_num=1000
)


class ExemptionForm(forms.Form):
    starts_on = forms.DateField(
        label="免除开始日期",
        widget=AdminDateInput,
        error_messages=_messages("开始日期"),
    )
    ends_on = forms.DateField(
        label="免除结束日期",
        widget=AdminDateInput,
        error_messages=_messages("结束日期"),
    )
    reason = forms.CharField(
        label="免除原因",
        max_length=200,
        help_text="如：长期患病、年老体弱、外出务工（流动党员）",
        error_messages={"required": "请填写免除原因"},
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        return cleaned


class CommitmentForm(forms.ModelForm):
    volunteer_number = forms.CharField(
        label="党员义工的注册义工号",
        required=False,
        max_length=20,
        help_text="队伍承诺（实事）留空；党员义工承诺（好事）填写本人的注册义工号",
    )

    class Meta:
        model = Commitment
        fields = ["node", "year", "content", "beneficiary", "due_on", "public_consent"]
        widgets = {"due_on": AdminDateInput}
        error_messages = {
            name: _messages(label)
            for name, label in (
                ("year", "年度"),
                ("content", "承诺内容"),
                ("beneficiary", "帮扶对象"),
                ("due_on", "承诺完成日期"),
            )
        }

    def __init__(self, *args, nodes, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers
        self.volunteer = None
        if self.instance.pk:
            for name in ("node", "year", "volunteer_number"):
                del self.fields[name]
        else:
            self.fields["node"] = node_field(nodes)
            self.fields["year"].initial = timezone.localdate().year

    def clean_volunteer_number(self):
        number = self.cleaned_data.get("volunteer_number", "").strip().upper()
        if number:
            self.volunteer = self.volunteers.filter(volunteer_number=number).first()
            if self.volunteer is None:
                raise ValidationError(f"您的管理范围内没有注册义工号为“{number}”的义工")
        return number

    def _post_clean(self):
        pass

    def service_fields(self):
        return {
            name: self.cleaned_data[name]
            for name in ("content", "beneficiary", "due_on", "public_consent")
        }


class FulfilForm(forms.Form):
    fulfilled_on = forms.DateField(
        label="践诺日期",
        widget=AdminDateInput,
        initial=timezone.localdate,
        error_messages=_messages("践诺日期"),
    )
    evidence = forms.CharField(
        label="践诺情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "请填写践诺情况"},
    )
    activity = forms.ModelChoiceField(
        label="践诺活动",
        queryset=Activity.objects.none(),
        required=False,
        empty_label="（无）",
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class GenerateReportForm(forms.Form):
    node = NodeChoiceField(queryset=OrgNode.objects.none(), label="组织")
    year = forms.IntegerField(label="年度", min_value=2012, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)]
    )

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"] = node_field(nodes)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class ReportForm(forms.ModelForm):
    class Meta:
        model = QuarterlyReport
        fields = [
            "org_name",
            "sub_org_count",
            "party_member_count",
            "registered_party_volunteers",
            "activist_volunteers",
            "leader_name",
            "leader_phone",
            "contact_name",
            "contact_phone",
            "participants",
            "hours",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class CertificateForm(forms.Form):
    served_from = forms.DateField(
        label="服务起始日期",
        widget=AdminDateInput,
        error_messages=_messages("起始日期"),
    )
    served_to = forms.DateField(
        label="服务截止日期",
        widget=AdminDateInput,
        initial=timezone.localdate,
        error_messages=_messages("截止日期"),
    )
    issuer = forms.CharField(
        label="出具单位", max_length=100, error_messages={"required": "请填写出具单位"}
    )


class IzhiyuanForm(forms.Form):
    node = NodeChoiceField(queryset=OrgNode.objects.none(), label="组织")
    served_from = forms.DateField(
        label="服务日期自", widget=AdminDateInput, error_messages=_messages("起始日期")
    )
    served_to = forms.DateField(
        label="服务日期至",
        widget=AdminDateInput,
        initial=timezone.localdate,
        error_messages=_messages("截止日期"),
    )
    reason = forms.CharField(
        label="导出原因",
        max_length=200,
        help_text="导出文件含完整身份证号码和手机号码，导出操作记入该组织的日志",
        error_messages={"required": "导出完整身份证号码须填写原因"},
    )

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"] = node_field(nodes)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("served_from"), cleaned.get("served_to")
        if start and end and end < start:
            self.add_error("served_to", "截止日期不能早于起始日期")
        return cleaned
