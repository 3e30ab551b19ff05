"""Downloads of the archive: the unit's 档案, a member's evidence pack, the i志愿 export.

Each is a workbook (formula-safe cells, registry.downloads) and, where it is
printed, a PDF through the pdf app. None carries an ID number or a phone but
the i志愿 export, which needs them to match people in the national system and
is given only to users who may reveal ID numbers, with the export logged.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from pdf.rendering import render_pdf
from registry.downloads import safe_xlsx_cell

from . import compliance
from .models import Commitment, Exemption, ServiceRecord

ARCHIVE_COLUMNS = (
    "序号",
    "姓名",
    "注册义工号",
    "所在组织",
    "服务日期",
    "活动名称",
    "活动组织",
    "服务内容",
    "服务时数",
    "服务评价",
    "记录类别",
    "是否计入",
    "记录人",
)
# i志愿 / 全国志愿服务信息系统 batch entry of service time (docs/activities.md).
IZHIYUAN_COLUMNS = (
    "姓名",
    "证件类型",
    "证件号码",
    "手机号码",
    "活动名称",
    "服务日期",
    "开始时间",
    "结束时间",
    "服务时长（小时）",
    "服务地点",
    "服务内容",
    "服务对象",
    "记录组织",
    "活动负责人",
    "记录人",
)


def workbook(title, columns, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe_xlsx_cell(column) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_xlsx_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def counted_text(record):
    if record.counted:
        return "计入"
    if record.approval == "pending":
        return "待上级审核"
    return "不计入"


def archive_rows(records):
    for index, record in enumerate(records, start=1):
        yield (
            index,
            record.volunteer.name,
            record.volunteer.volunteer_number,
            record.volunteer.org_node.name if record.volunteer.org_node else "",
            record.served_on,
            record.activity.title,
            record.activity.node.name,
            record.content,
            record.hours,
            record.evaluation.name if record.evaluation else "",
            record.get_ledger_display(),
            counted_text(record),
            record.recorder_name,
        )


def archive_records(records):
    return records.select_related(
        "volunteer__org_node", "activity__node", "evaluation"
    ).order_by("volunteer__org_node__path", "volunteer__pinyin", "served_on", "pk")


def archive_xlsx(records):
    return workbook(
        "服务活动记录档案", ARCHIVE_COLUMNS, archive_rows(archive_records(records))
    )


def archive_pdf(records, *, title):
    records = list(archive_records(records))
    total = sum((r.hours for r in records if r.counted), Decimal(0))
    return render_pdf(
        "activities/pdf/archive.html",
        {
            "records": records,
            "heading": title,
            "total": total,
            "printed_on": timezone.localdate(),
        },
        title=title,
        stylesheets=("forms",),
    )


def izhiyuan_rows(records):
    for record in records:
        activity = record.activity
        start = timezone.localtime(activity.starts_at)
        end = timezone.localtime(activity.ends_at)
        yield (
            record.volunteer.name,
            "居民身份证",
            record.volunteer.id_number or "",
            record.volunteer.mobile,
            activity.title,
            record.served_on,
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            record.hours,
            activity.place,
            record.content,
            activity.beneficiaries,
            activity.node.name,
            activity.leader_name,
            record.recorder_name,
        )


def izhiyuan_xlsx(records):
    records = records.select_related("volunteer", "activity__node").order_by(
        "served_on", "activity_id", "pk"
    )
    return workbook("志愿服务时长", IZHIYUAN_COLUMNS, izhiyuan_rows(records))


@dataclass
class EvidencePack:
    """What the branch meeting reads for 民主评议: the facts of one member's year."""

    volunteer: object
    year: int
    standing: compliance.Standing
    records: list
    exemptions: list
    commitments: list

    @classmethod
    def build(cls, volunteer, year):
        period = compliance.Period.of(year)
        standing = compliance.member_standings(
            type(volunteer).objects.filter(pk=volunteer.pk), period
        ).get(volunteer.pk)
        return cls(
            volunteer=volunteer,
            year=year,
            standing=standing,
            records=list(
                ServiceRecord.objects.filter(volunteer=volunteer, served_on__year=year)
                .select_related("activity__node", "evaluation")
                .order_by("served_on", "pk")
            ),
            exemptions=list(
                Exemption.objects.filter(
                    volunteer=volunteer,
                    starts_on__year__lte=year,
                    ends_on__year__gte=year,
                )
            ),
            commitments=list(Commitment.objects.filter(volunteer=volunteer, year=year)),
        )

    def summary_rows(self):
        standing = self.standing
        if standing is None:
            return [("年度达标", "非党员义工，无年度达标要求")]
        return [
            ("姓名", self.volunteer.name),
            ("注册义工号", self.volunteer.volunteer_number),
            ("年度", self.year),
            ("达标情况", standing.status_label),
            ("服务次数", f"{standing.services}（要求{standing.required_services}）"),
            (
                "服务时数",
                f"{standing.hours.normalize():f}（要求{standing.required_hours}）",
            ),
            (
                "各季度服务次数",
                "、".join(
                    f"第{q}季度{n}次" for q, n in enumerate(standing.quarters, start=1)
                ),
            ),
            (
                "践诺好事",
                f"{standing.commitments}（要求{standing.required_commitments}）",
            ),
            ("尚缺", "；".join(standing.missing) or "无"),
            ("说明", standing.note or "—"),
        ]

    def xlsx(self):
        book = Workbook()
        sheet = book.active
        sheet.title = "年度汇总"
        for label, value in self.summary_rows():
            sheet.append([safe_xlsx_cell(label), safe_xlsx_cell(value)])
        sheet.append([])
        sheet.append(
            [safe_xlsx_cell("本表只汇总事实，供民主评议参考，不代表评议等次。")]
        )
        records = book.create_sheet("服务记录")
        records.append(
            [
                "服务日期",
                "活动名称",
                "活动组织",
                "服务内容",
                "服务时数",
                "服务评价",
                "记录类别",
                "是否计入",
            ]
        )
        for record in self.records:
            records.append(
                [
                    safe_xlsx_cell(v)
                    for v in (
                        record.served_on,
                        record.activity.title,
                        record.activity.node.name,
                        record.content,
                        record.hours,
                        record.evaluation.name if record.evaluation else "",
                        record.get_ledger_display(),
                        counted_text(record),
                    )
                ]
            )
        others = book.create_sheet("承诺与免除")
        others.append(["类别", "内容", "对象或原因", "日期", "情况"])
        for commitment in self.commitments:
            others.append(
                [
                    safe_xlsx_cell(v)
                    for v in (
                        "好事承诺",
                        commitment.content,
                        commitment.beneficiary,
                        commitment.due_on,
                        f"已践诺（{commitment.fulfilled_on}）"
                        if commitment.fulfilled_on
                        else "未践诺",
                    )
                ]
            )
        for exemption in self.exemptions:
            others.append(
                [
                    safe_xlsx_cell(v)
                    for v in (
                        "达标免除",
                        f"{exemption.starts_on}至{exemption.ends_on}",
                        exemption.reason,
                        timezone.localdate(exemption.granted_at),
                        "已撤销"
                        if exemption.revoked_at
                        else f"批准人：{exemption.granted_by_name}",
                    )
                ]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def pdf(self):
        title = f"{self.volunteer.name} {self.year}年度党员义工服务情况"
        return render_pdf(
            "activities/pdf/evidence.html",
            {"pack": self, "summary": self.summary_rows(), "heading": title},
            title=title,
            stylesheets=("forms",),
        )
