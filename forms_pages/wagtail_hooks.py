"""The 审核 menu, its admin URLs, and the 审核登记 button on a pending volunteer."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets.button import HeaderButton

from registry import policy
from registry.models import Volunteer

from . import admin_urls


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("review/", include(admin_urls, namespace="forms_pages_review"))]


class ReviewMenuItem(MenuItem):
    """Shown to whoever manages a node somewhere: the reviewers of 附件1."""

    def is_shown(self, request):
        return policy.may_anywhere(request.user, "review_applications")


@hooks.register("register_admin_menu_item")
def register_review_menu():
    items = [
        ReviewMenuItem(
            "成立组织申请",
            reverse("forms_pages_review:applications"),
            name="review-applications",
            icon_name="form",
            order=100,
        ),
        ReviewMenuItem(
            "待审核登记",
            reverse("forms_pages_review:registrations"),
            name="review-registrations",
            icon_name="user",
            order=200,
        ),
    ]
    return ReviewSubmenuMenuItem(
        "审核", Menu(items=items), name="review", icon_name="tasks", order=250
    )


class ReviewSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return policy.may_anywhere(request.user, "review_applications")


@hooks.register("register_registry_record_buttons")
def register_review_button(record, user):
    if (
        isinstance(record, Volunteer)
        and record.status == Volunteer.Status.PENDING
        and policy.may(user, "approve_registration", record)
    ):
        return [
            HeaderButton(
                "审核登记",
                reverse("forms_pages_review:registration", args=(record.pk,)),
                icon_name="tasks",
                priority=50,
            )
        ]
    return []
