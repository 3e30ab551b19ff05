"""manage.py render_pdf KIND [--blank] [--org CODE] [--volunteer NUMBER] [--with-subtree]
[--data FILE.json] [--user NAME] -o FILE

The admin's documents for batch use. KIND is one of form2 (附件2), form3 (附件3),
form4 (附件4), roster (名册), card (注册义工服务证) and certificate (志愿服务记录证明).
With --user the record must be in that user's scope and is printed as that user
sees it (a roster is logged on the node as the admin logs it); without, as the
system (full phone numbers, ID numbers always masked: a full one is printed
only from the admin, after the logged reveal).
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from pdf import documents
from pdf.cards import render_card, render_certificate
from pdf.printing import roster_size, scope_of
from pdf.rendering import RenderError
from pdf.roster import render_roster
from registry import policy
from registry import services as registry_services
from registry.models import OrgNode, Volunteer

KINDS = ("form2", "form3", "form4", "roster", "card", "certificate")
BLANK = {
    "form2": documents.application_form,
    "form3": documents.registration_form,
    "form4": documents.quarterly_report,
}


# What a certificate's JSON may hold (the ID number stays masked: see the docstring).
CERTIFICATE_KEYS = frozenset(
    {
        "periods",
        "served_from",
        "served_to",
        "number",
        "issued_on",
        "issuer",
        "person_in_charge",
        "clerk",
        "contact",
    }
)
CERTIFICATE_DATES = ("served_from", "served_to", "issued_on")


def certificate_arguments(record):
    """render_certificate's keywords from JSON: dates as YYYY-MM-DD, no other keys."""
    unknown = sorted(set(record) - CERTIFICATE_KEYS)
    if unknown:
        raise ValueError(f"证明的 JSON 没有这些栏目：{'、'.join(unknown)}")
    arguments = dict(record)
    for key in CERTIFICATE_DATES:
        if arguments.get(key):
            try:
                arguments[key] = datetime.date.fromisoformat(str(arguments[key]))
            except ValueError:
                raise ValueError(
                    f"{key} 应写作 YYYY-MM-DD，不能是“{arguments[key]}”"
                ) from None
    return arguments


class Command(BaseCommand):
    help = "生成打印用 PDF：附件2/3/4（可空白）、名册、注册义工服务证、志愿服务记录证明"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="文件种类")
        parser.add_argument(
            "--blank", action="store_true", help="空白表格（form2、form3、form4）"
        )
        parser.add_argument("--org", help="组织的团体注册编号（form2、roster）")
        parser.add_argument(
            "--volunteer", help="注册义工号（form3、card、certificate）"
        )
        parser.add_argument(
            "--with-subtree", action="store_true", help="名册含下级组织（roster）"
        )
        parser.add_argument(
            "--data",
            help="JSON 文件：form2 的栏目、form4 的数字、certificate 的服务记录",
        )
        parser.add_argument(
            "--user", help="以该用户的权限生成（检查范围、按其权限脱敏）"
        )
        parser.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")

    def handle(self, *args, kind, **options):
        self.user = self._user(options["user"])
        if options["blank"]:
            if kind not in BLANK:
                raise CommandError(f"{kind} 没有空白版本（可用：{'、'.join(BLANK)}）")
            data = BLANK[kind]()
        else:
            data = self._render(kind, options)
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入“{output}”：{exc.strerror}") from None
        self.stdout.write(f"已生成 {output}（{len(data) // 1024} KB）")

    def _render(self, kind, options):
        try:
            if kind == "form2":
                if options["org"]:
                    node = self._node(options["org"])
                    fields = documents.application_fields_for_node(node, user=self.user)
                else:
                    fields = self._data(options, "form2 需要 --org、--data 或 --blank")
                return documents.application_form(fields)
            if kind == "form4":
                return documents.quarterly_report(
                    self._data(options, "form4 需要 --data 或 --blank")
                )
            if kind == "roster":
                return self._roster(options)
            volunteer = self._volunteer(options["volunteer"], kind)
            if kind == "form3":
                return documents.registration_form(volunteer, user=self.user)
            if kind == "card":
                return render_card(volunteer)
            record = self._data(options, "certificate 需要 --data（服务记录 JSON）")
            return render_certificate(volunteer, **certificate_arguments(record))
        except (ValueError, TypeError, RenderError) as exc:
            raise CommandError(str(exc)) from None

    def _roster(self, options):
        if not options["org"]:
            raise CommandError("roster 需要 --org")
        node = self._node(options["org"])
        subtree = options["with_subtree"]
        if self.user is not None:
            try:
                registry_services.record_bulk_export(
                    node=node,
                    user=self.user,
                    rows=roster_size(node, subtree=subtree),
                    full_id_numbers=False,
                    scope=scope_of(subtree),
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
        return render_roster(node, user=self.user, subtree=subtree)

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"找不到用户“{username}”") from None

    def _node(self, code):
        node = OrgNode.objects.filter(code=code.strip().upper()).first()
        if node is None:
            raise CommandError(f"找不到团体注册编号为“{code}”的组织")
        if not policy.may(self.user, "view", node):
            raise CommandError(f"用户“{self.user}”无权查看“{node.name}”")
        return node

    def _volunteer(self, number, kind):
        if not number:
            raise CommandError(f"{kind} 需要 --volunteer（注册义工号）")
        volunteer = (
            Volunteer.objects.select_related("org_node")
            .filter(volunteer_number=number.strip().upper())
            .first()
        )
        if volunteer is None:
            raise CommandError(f"找不到注册义工号为“{number}”的义工")
        if not policy.may(self.user, "view", volunteer):
            raise CommandError(f"用户“{self.user}”无权查看义工“{volunteer.name}”")
        return volunteer

    def _data(self, options, missing):
        if not options["data"]:
            raise CommandError(missing)
        path = Path(options["data"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"找不到文件“{path}”") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"“{path}”不是 UTF-8 编码的 JSON：{exc}") from None
        if not isinstance(data, dict):
            raise CommandError(f"“{path}”应是一个 JSON 对象（{{…}}），不是列表或数值")
        return data
