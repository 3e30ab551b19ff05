"""Forms that adjust Wagtail's admin for Chinese-speaking editors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from website.login_lockout import lockout_message


class LoginForm(WagtailLoginForm):
    """Wagtail's login form with Chinese messages.

    Wagtail redeclares the password field without a label, so Django falls back
    to the untranslatable field name "Password". Django's invalid-login message
    interpolates the username field's label into a sentence that Wagtail's
    catalogue renders as "用户 用户名 密码不匹配"; it is one plain sentence here.
    When django-axes has refused the attempt (``request.axes_locked_out``) the
    form says the account is locked instead.
    """

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login"
        )
