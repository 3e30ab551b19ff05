"""The public form pages: 义工注册登记 (附件3) and 成立义工组织申请 (附件2).

Editors write the texts around the forms (intro, notes, oath, thank-you text)
and set a deadline; the fields of the forms are fixed in code (forms_pages.forms)
because each one maps onto a registry field. The flow itself (submit, thank-you,
print, status lookup, resubmission) lives in forms_pages.views.
"""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from . import views

# registry.pks' converter is registered in an app's ready(), after models load;
# the view turns the digits into a key with pk_or_404.
PK = r"(?P<pk>[0-9]{1,19})"


# Short texts around a form: no headings, which would break the form's outline.
TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def _rich_text(label, **kwargs):
    return RichTextField(label, blank=True, features=TEXT_FEATURES, **kwargs)


class FormPage(RoutablePageMixin, Page):
    """What both form pages share: the editable texts, the deadline, the routes."""

    intro = _rich_text("导语")
    notes = _rich_text("备注", help_text="显示在表单下方，例如需随表提交的材料")
    deadline = models.DateTimeField(
        "截止时间",
        null=True,
        blank=True,
        help_text="留空则长期开放；截止后页面显示“已截止”，不再接受提交",
    )
    thank_you = _rich_text("提交成功后的说明")

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("notes"),
        FieldPanel("deadline"),
        FieldPanel("thank_you"),
    ]
    preview_modes = [("form", "表单"), ("landing", "提交成功页")]
    parent_page_types = ["website.HomePage"]
    subpage_types = []
    # The flow's views (forms_pages.views.FormFlow subclass) for this page type.
    flow_class = None

    class Meta:
        abstract = True

    @property
    def is_closed(self):
        return self.deadline is not None and timezone.now() >= self.deadline

    @property
    def flow(self):
        return self.flow_class(self)

    @path("")
    def form_view(self, request):
        return self.flow.submit(request)

    @re_path(rf"^done/{PK}/$")
    def done_view(self, request, pk):
        return self.flow.done(request, pk)

    @re_path(rf"^done/{PK}/pdf/$")
    def pdf_view(self, request, pk):
        return self.flow.pdf(request, pk)

    @path("status/")
    def status_lookup_view(self, request):
        return self.flow.lookup(request)

    @re_path(rf"^status/{PK}/$")
    def status_view(self, request, pk):
        return self.flow.status(request, pk)

    @re_path(rf"^resubmit/{PK}/$")
    def resubmit_view(self, request, pk):
        return self.flow.submit(request, pk)

    def serve_preview(self, request, mode_name):
        return self.flow.preview(request, mode_name)


class RegistrationFormPage(FormPage):
    """台山市义工注册登记表 (附件3), filled online."""

    oath = _rich_text("义工誓词", help_text="提交前须勾选“我愿遵守义工誓词”")

    content_panels = FormPage.content_panels + [
        MultiFieldPanel([FieldPanel("oath")], heading="义工誓词")
    ]
    flow_class = views.RegistrationFlow

    class Meta:
        verbose_name = "义工注册登记页"
        verbose_name_plural = "义工注册登记页"


class ApplicationFormPage(FormPage):
    """台山市党员义工联成立义工组织申请表 (附件2), filled online."""

    flow_class = views.ApplicationFlow

    class Meta:
        verbose_name = "成立义工组织申请页"
        verbose_name_plural = "成立义工组织申请页"
