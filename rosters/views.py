"""Wagtail admin views of roster import and export, scoped to the user's nodes.

A node outside the user's subtree is a 404; a node the user may see but not
edit is a 403 for imports. An import record is only ever shown to the user
who uploaded it.
"""

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from registry import policy
from registry import services as registry_services
from registry.downloads import attachment_disposition
from registry.models import OrgNode

from . import services, tasks
from .columns import COLUMNS
from .exporting import write_roster, write_template
from .forms import ConfirmForm, ExportForm, UploadForm
from .importing import FAILED, OUTCOME_LABELS
from .models import RosterImport
from .reading import FileRejected, format_size, limit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NODES_PER_PAGE = 50
ERRORS_PER_PAGE = 200


def _attachment(handle, filename):
    response = FileResponse(handle, content_type=XLSX, as_attachment=True)
    response["Content-Disposition"] = attachment_disposition(filename)
    return response


class RosterAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not policy.may_anywhere(request.user, "view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rosters:index"), "label": "名册导入导出"},
        ]


class NodeMixin:
    """The node in the URL, if the user may see it; ``edit_right`` to also require editing."""

    edit_right = False

    def get_node(self):
        node = get_object_or_404(
            policy.nodes_where(self.request.user, "view"),
            pk=self.kwargs["node_id"],
        )
        if self.edit_right:
            services.require_import_right(self.request.user, node)
        return node


class IndexView(RosterAdminMixin, TemplateView):
    page_title = "名册导入导出"
    template_name = "rosters/index.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        query = self.request.GET.get("q", "").strip()
        nodes = policy.nodes_where(user, "view").order_by("path")
        if query:
            nodes = nodes.filter(Q(name__icontains=query) | Q(code__iexact=query))
        page = Paginator(nodes, NODES_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            query=query,
            page=page,
            rows=[
                (
                    node,
                    policy.may(user, "import", node)
                    and node.status != OrgNode.Status.DISSOLVED,
                )
                for node in page
            ],
            imports=RosterImport.objects.filter(user=user).select_related("node")[:20],
        )
        return context


class UploadView(RosterAdminMixin, NodeMixin, FormView):
    edit_right = True
    form_class = UploadForm
    template_name = "rosters/upload.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.node = self.get_node()
        except PermissionDenied as exc:
            # Say why here; Wagtail's own refusal only says "no permission".
            messages.error(request, str(exc))
            return redirect("rosters:index")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"导入名册：{self.node.name}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.node.name}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            node=self.node,
            columns=COLUMNS,
            max_size=format_size(limit("MAX_BYTES")),
            max_rows=limit("MAX_ROWS"),
            background_rows=limit("BACKGROUND_ROWS"),
        )
        return context

    def form_valid(self, form):
        try:
            job = services.create_import(
                node=self.node, user=self.request.user, upload=form.cleaned_data["file"]
            )
        except FileRejected as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        tasks.start_check(job)
        return redirect("rosters:import", job.pk)


class ImportMixin:
    def get_job(self):
        # Only the uploader sees an import: the preview shows their file's data.
        return get_object_or_404(
            RosterImport.objects.select_related("node", "user"),
            pk=self.kwargs["pk"],
            user=self.request.user,
        )


class ImportView(RosterAdminMixin, ImportMixin, TemplateView):
    template_name = "rosters/import.html"

    def dispatch(self, request, *args, **kwargs):
        self.job = self.get_job()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"导入名册：{self.job.node.name}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": "", "label": self.job.original_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        result = job.result or {}
        counts = result.get("counts", {})
        show = self.request.GET.get("show", "")
        rows = result.get("rows", [])
        if show in OUTCOME_LABELS:
            rows = [row for row in rows if row["outcome"] == show]
        failed = sum(counts.get(kind, 0) for kind in FAILED)
        context.update(
            job=job,
            result=result,
            counts=[
                (kind, label, counts.get(kind, 0))
                for kind, label in OUTCOME_LABELS.items()
            ],
            total=sum(counts.values()),
            failed=failed,
            importable=sum(counts.values()) - failed,
            outcome_labels=OUTCOME_LABELS,
            show=show,
            rows=rows,
            preview_limited=len(result.get("rows", [])) < sum(counts.values()),
            errors=Paginator(result.get("errors", []), ERRORS_PER_PAGE).get_page(
                self.request.GET.get("errors")
            ),
            background_state=tasks.background_state(job),
            abandon_url=reverse("rosters:abandon", args=[job.pk]),
            status_url=reverse("rosters:import_status", args=[job.pk]),
        )
        if job.status == RosterImport.Status.CHECKED:
            token = services.confirmation_token(job, self.request.user)
            context["confirm_all"] = ConfirmForm(
                initial={"token": token, "mode": RosterImport.Mode.ALL}
            )
            context["confirm_valid_only"] = ConfirmForm(
                initial={"token": token, "mode": RosterImport.Mode.VALID_ONLY}
            )
        return context


class ConfirmView(ImportMixin, View):
    def post(self, request, pk):
        job = self.get_job()
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "确认信息不完整，没有导入任何数据：请重新确认")
            return redirect("rosters:import", job.pk)
        valid_only = form.cleaned_data["mode"] == RosterImport.Mode.VALID_ONLY
        try:
            expected = services.check_confirmation(
                job, request.user, form.cleaned_data["token"]
            )
            job = tasks.start_apply(job, valid_only=valid_only, expected=expected)
        except services.ConfirmationRefused as exc:
            messages.error(request, str(exc))
        except Exception:
            # Logged and rolled back by the service, which recorded why on the job.
            job.refresh_from_db()
            messages.error(request, job.message)
        else:
            if job.status == RosterImport.Status.IMPORTED:
                counts = job.counts
                messages.success(
                    request,
                    f"已导入到“{job.node.name}”：新增{counts.get('new', 0)}人，"
                    f"更新{counts.get('updated', 0)}人，无变化{counts.get('unchanged', 0)}人",
                )
            elif job.status == RosterImport.Status.FAILED:
                messages.error(request, job.message)
        return redirect("rosters:import", job.pk)


class StatusView(ImportMixin, View):
    """Polled by the progress bar of a background check or import."""

    def get(self, request, pk):
        job = self.get_job()
        state = tasks.background_state(job)
        job.refresh_from_db(fields=["status", "message"])
        total = job.estimated_rows or 0
        done = services.get_progress(job) if job.is_running else total
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                # A lost step is not running any more: the page says so.
                "running": job.is_running and state != "lost",
                "lost": state == "lost",
                "queued": state == "queued",
                "done": done,
                "total": total,
                "percent": min(100, round(100 * done / total)) if total else 0,
            }
        )


class AbandonView(ImportMixin, View):
    """结束这次导入: record that a lost background step will not finish."""

    def post(self, request, pk):
        job = self.get_job()
        if tasks.background_state(job) == "lost":
            job = services.fail_lost_import(job)
            messages.error(request, job.message)
        return redirect("rosters:import", job.pk)


class FailedRowsView(ImportMixin, View):
    def get(self, request, pk):
        job = self.get_job()
        if not job.failed_file:
            raise Http404("没有未通过的行")
        stem = job.original_name.rsplit(".", 1)[0]
        return _attachment(job.failed_file.open("rb"), f"未通过的行-{stem}.xlsx")


class ExportView(RosterAdminMixin, NodeMixin, FormView):
    """导出名册: GET shows the choices, POST downloads the file and logs the export."""

    form_class = ExportForm
    template_name = "rosters/export.html"

    def dispatch(self, request, *args, **kwargs):
        self.node = self.get_node()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "may_reveal": policy.may(self.request.user, "reveal_id_number", self.node),
        }

    def get_page_title(self):
        return f"导出名册：{self.node.name}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.node.name}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "node": self.node}

    def form_valid(self, form):
        data = form.cleaned_data
        scope = data["scope"]
        full_ids = form.full_id_numbers
        handle = tempfile.TemporaryFile()
        count = write_roster(
            handle,
            node=self.node,
            user=self.request.user,
            subtree=scope == "subtree",
            full_ids=full_ids,
        )
        try:
            # Logged before the file is handed out; refused, it never is.
            registry_services.record_bulk_export(
                node=self.node,
                user=self.request.user,
                rows=count,
                full_id_numbers=full_ids,
                scope=scope,
                reason=data.get("reason", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            handle.close()
            form.add_error(
                None,
                str(error)
                if isinstance(error, PermissionDenied)
                else " ".join(error.messages),
            )
            return self.form_invalid(form)
        handle.seek(0)
        suffix = "-含下级组织" if scope == "subtree" else ""
        filename = f"名册-{self.node.name}{suffix}-{timezone.localdate():%Y%m%d}.xlsx"
        return _attachment(handle, filename)


class TemplateDownloadView(View):
    def get(self, request):
        if not policy.may_anywhere(request.user, "view"):
            raise PermissionDenied
        handle = tempfile.TemporaryFile()
        write_template(handle)
        handle.seek(0)
        return _attachment(handle, "党员义工名册模板.xlsx")
