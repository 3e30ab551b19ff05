"""The 打印 buttons on registry records and the admin URLs behind them."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.widgets.button import HeaderButton

from registry import policy
from registry.models import OrgNode, Volunteer

from . import urls


@hooks.register("register_admin_urls")
def register_pdf_urls():
    return [path("print/", include(urls, namespace="pdf"))]


def _button(label, url_name, pk, priority):
    return HeaderButton(
        label, reverse(url_name, args=(pk,)), icon_name="doc-full", priority=priority
    )


@hooks.register("register_registry_record_buttons")
def register_print_buttons(record, user):
    if not policy.may(user, "view", record):
        return []
    if isinstance(record, OrgNode):
        return [
            _button("打印名册", "pdf:roster", record.pk, 60),
            _button("打印申请表", "pdf:application", record.pk, 61),
        ]
    if isinstance(record, Volunteer):
        buttons = [_button("打印登记表", "pdf:registration", record.pk, 60)]
        if record.status == Volunteer.Status.REGISTERED:
            buttons.append(_button("打印服务证", "pdf:card", record.pk, 61))
        return buttons
    return []
