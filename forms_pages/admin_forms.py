from django import forms

from registry.services.registrations import REASON_MAX_LENGTH


class ReasonForm(forms.Form):
    """审核不符合: why, in words the applicant will read."""

    reason = forms.CharField(
        label="审核不符合的原因",
        min_length=2,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写审核不符合的原因，申请人会看到",
            "min_length": "原因至少%(limit_value)d个字",
            "max_length": "原因最多%(limit_value)d个字（现为%(show_value)d个字）",
        },
    )
