"""manage.py import_roster FILE --org CODE [--dry-run] [--valid-only] [--json] [--user NAME]

The admin's rules without its preview step. Exit status: 0 when every row
passed (and, without --dry-run, was written); 1 when nothing was written
because a row or the file failed; 2 when --valid-only wrote the valid rows
and left others out.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from registry.models import OrgNode
from rosters.importing import OUTCOME_LABELS
from rosters.reading import FileRejected
from rosters.services import import_file


class Command(BaseCommand):
    help = "导入一份党员义工名册（.xlsx 或 .csv）到一个组织，规则与管理后台相同"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件（.xlsx 或 .csv）")
        parser.add_argument(
            "--org", required=True, help="组织的团体注册编号，如 TSD0001"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="只导入通过检查的行（默认只要有一行未通过就不导入任何数据）",
        )
        parser.add_argument(
            "--json", action="store_true", help="以 JSON 输出结果和每一处错误"
        )
        parser.add_argument(
            "--user", help="以该用户的名义导入（检查其权限，并记为录入人）；默认为系统"
        )

    def handle(self, *args, **options):
        node = self._node(options["org"])
        user = self._user(options["user"])
        try:
            result = import_file(
                path=options["file"],
                node=node,
                user=user,
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
            )
        except FileNotFoundError:
            raise CommandError(f"找不到文件“{options['file']}”") from None
        except FileRejected as exc:
            if options["json"]:
                self._print_json(options, node, {"written": False, "message": str(exc)})
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self._print_json(options, node, result.as_json())
        else:
            self._print_text(options, result)
        if result.failed and not result.written:
            raise CommandError(
                result.message or "有行未通过检查，没有写入任何数据", returncode=1
            )
        if result.failed:
            raise CommandError(f"有{result.failed}行未导入", returncode=2)

    def _node(self, code):
        try:
            return OrgNode.objects.get(code=code.strip().upper())
        except OrgNode.DoesNotExist:
            raise CommandError(f"找不到团体注册编号为“{code}”的组织") from None

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"找不到用户“{username}”") from None

    def _print_json(self, options, node, payload):
        payload = {
            "file": options["file"],
            "org": node.code,
            "dry_run": options["dry_run"],
            **payload,
        }
        payload.pop("rows", None)  # the preview table is for the admin page
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _print_text(self, options, result):
        counts = result.plan()
        self.stdout.write(
            "，".join(
                f"{label} {counts[kind]}" for kind, label in OUTCOME_LABELS.items()
            )
        )
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        for error in result.errors:
            column = f"「{error['column']}」" if error["column"] else ""
            self.stdout.write(f"第{error['row']}行{column}：{error['message']}")
        if result.error_total > len(result.errors):
            self.stdout.write(
                f"……另有{result.error_total - len(result.errors)}处错误未列出"
            )
        if options["dry_run"]:
            self.stdout.write("只做了检查（--dry-run），没有写入。")
        elif result.written:
            self.stdout.write(self.style.SUCCESS("已导入。"))
