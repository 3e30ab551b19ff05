"""The admin's 打印 pages: a node's 名册 and 附件2, a volunteer's 附件3 and 服务证.

Every view finds its record in the user's scope (registry.policy), so a node
or volunteer outside it is a 404; a full ID number is printed only after the
logged reveal (registry.services.reveal_id_number).
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from registry import policy
from registry import services as registry_services
from registry.downloads import attachment_disposition
from registry.models import Volunteer

from . import documents, printing, tasks
from .cards import render_card
from .forms import RegistrationPrintForm, RosterPrintForm
from .models import RosterPrint
from .rendering import RenderError


def pdf_response(data, filename):
    """A PDF download of personal data: never cached."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response


class ScopedRecordMixin:
    """The node or volunteer in the URL, if the user may view it (else 404)."""

    def get_node(self):
        return get_object_or_404(
            policy.nodes_where(self.request.user, "view"), pk=self.kwargs["node_id"]
        )

    def get_volunteer(self):
        return get_object_or_404(
            policy.volunteers_where(self.request.user, "view").select_related(
                "org_node"
            ),
            pk=self.kwargs["volunteer_id"],
        )


class PrintFormView(ScopedRecordMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "pdf/admin/print_form.html"
    header_icon = "doc-full"
    # The page title is "<submit_label>：<the record's name>".
    submit_label = ""

    def get_record(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.record = self.get_record()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.submit_label}：{self.record.name}"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submit_label": self.submit_label,
            "record": self.record,
        }

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.record}]


class RosterPrintView(PrintFormView):
    """打印名册: GET shows the scope with head counts, POST prints it (or queues it)."""

    form_class = RosterPrintForm
    submit_label = "打印名册"

    def get_record(self):
        return self.get_node()

    def get_form_kwargs(self):
        counts = {
            scope: printing.roster_size(self.record, subtree=scope == "subtree")
            for scope in ("node", "subtree")
        }
        return {**super().get_form_kwargs(), "counts": counts}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intro": (
                f"按《党员义工名册》样本的栏目打印（A4 横向，每页重复表头），电话号码按您的权限脱敏。"
                f"超过 {printing.INLINE_ROWS} 人的名册在后台生成，完成后在此下载。"
                "每次打印都记入本组织的历史记录。"
            ),
            "recent": RosterPrint.objects.filter(
                node=self.record, user=self.request.user
            )[:5],
        }

    def form_valid(self, form):
        subtree = form.cleaned_data["scope"] == "subtree"
        rows = form.counts[form.cleaned_data["scope"]]
        node, user = self.record, self.request.user
        if rows > printing.INLINE_ROWS:
            job = tasks.start_roster_print(
                printing.queue_roster_print(node, user=user, subtree=subtree, rows=rows)
            )
            return redirect("pdf:roster_print", job.uuid)
        try:
            data = printing.print_roster_now(
                node, user=user, subtree=subtree, rows=rows
            )
        except RenderError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return pdf_response(data, printing.roster_file_name(node, subtree=subtree))


class RosterPrintJobMixin:
    """A background print is its user's alone, while they may still view the node."""

    def get_job(self):
        job = get_object_or_404(
            RosterPrint.objects.select_related("node"),
            uuid=self.kwargs["uuid"],
            user=self.request.user,
        )
        if not policy.may(self.request.user, "view", job.node):
            raise Http404
        return job


class RosterPrintJobView(RosterPrintJobMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "pdf/admin/roster_print.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return f"打印名册：{self.job.node.name}"

    def get(self, request, *args, **kwargs):
        self.job = self.get_job()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        state = tasks.background_state(self.job)
        return {
            **super().get_context_data(**kwargs),
            "job": self.job,
            "background_state": state,
            "status_url": reverse("pdf:roster_print_status", args=(self.job.uuid,)),
            "again_url": reverse("pdf:roster", args=(self.job.node.pk,)),
        }


class RosterPrintLostView(RosterPrintJobMixin, View):
    """POST: record that a print whose worker died will not finish."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        job = self.get_job()
        if tasks.background_state(job) == "lost":
            printing.fail_lost_print(job)
        return redirect("pdf:roster_print", job.uuid)


class RosterPrintStatusView(RosterPrintJobMixin, View):
    """Polled by the progress bar; counts rows as pages done × rows per page."""

    def get(self, request, uuid):
        job = self.get_job()
        state = tasks.background_state(job)
        done_pages, total_pages = printing.get_progress(job)
        done = (
            job.rows
            if not job.is_running
            else (round(job.rows * done_pages / total_pages) if total_pages else 0)
        )
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "running": job.is_running and state != "lost",
                "lost": state == "lost",
                "queued": state == "queued",
                "done": done,
                "total": job.rows,
                "percent": min(100, round(100 * done / job.rows)) if job.rows else 0,
            }
        )


class RosterPrintDownloadView(RosterPrintJobMixin, View):
    def get(self, request, uuid):
        job = self.get_job()
        if job.status != RosterPrint.Status.DONE or not job.file:
            raise Http404
        response = FileResponse(job.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = attachment_disposition(
            printing.roster_file_name(job.node, subtree=job.subtree)
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ApplicationFormView(ScopedRecordMixin, View):
    """附件2 of a node, filled from the registry as the user may see it."""

    def get(self, request, node_id):
        node = self.get_node()
        fields = documents.application_fields_for_node(node, user=request.user)
        return pdf_response(
            documents.application_form(fields), f"{node.name}成立义工组织申请表.pdf"
        )


class RegistrationPrintView(PrintFormView):
    """打印登记表 (附件3): masked ID number, or the full one after the logged reveal."""

    form_class = RegistrationPrintForm
    submit_label = "打印登记表"

    def get_record(self):
        return self.get_volunteer()

    def get_form_kwargs(self):
        may_reveal = bool(self.record.id_number) and policy.may(
            self.request.user, "reveal_id_number", self.record
        )
        return {**super().get_form_kwargs(), "may_reveal": may_reveal}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intro": "按《台山市义工注册登记表》（附件3）打印，含义工服务项目附表，供本人签名、加盖公章后存档。",
        }

    def form_valid(self, form):
        volunteer, user = self.record, self.request.user
        id_number = None
        if form.full_id_number:
            try:
                id_number = registry_services.reveal_id_number(
                    volunteer=volunteer,
                    user=user,
                    reason=form.cleaned_data["reason"].strip(),
                    ip_address=self.request.META.get("REMOTE_ADDR") or None,
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
                return self.form_invalid(form)
        data = documents.registration_form(volunteer, user=user, id_number=id_number)
        return pdf_response(data, f"{volunteer.name}义工注册登记表.pdf")


class CardView(ScopedRecordMixin, View):
    """注册义工服务证: only for a volunteer who is 已注册 (the card's QR says so)."""

    def get(self, request, volunteer_id):
        volunteer = self.get_volunteer()
        if volunteer.status != Volunteer.Status.REGISTERED:
            messages.error(
                request,
                f"{volunteer.name}的状态是“{volunteer.get_status_display()}”，"
                "审核通过（已注册）后才能打印注册义工服务证。",
            )
            return redirect("registry_volunteer:inspect", volunteer.pk)
        return pdf_response(
            render_card(volunteer), f"{volunteer.name}注册义工服务证.pdf"
        )
