"""Forms that adjust Wagtail's admin for Chinese-speaking editors."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """Wagtail's login form with a translated password label.

    Wagtail redeclares the password field without a label, so Django falls back
    to the untranslatable field name "Password".
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
