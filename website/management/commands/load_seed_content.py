from django.core.management.base import BaseCommand, CommandError

from website.seed import SEED_FILE, SeedError, load_seed, parse_seed, read_seed_text


class Command(BaseCommand):
    help = (
        "根据《台山市党员义工服务活动实施方案》（台组〔2012〕124号）原文建立网站页面："
        "首页、通知、实施方案、附件1流程、表格下载、工作简报和联系方式。"
        "已存在的页面（按 slug 识别）保持不变，可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(SEED_FILE),
            help="种子文本文件（UTF-8），默认为项目自带的 2012 年原文。",
        )

    def handle(self, *args, **options):
        try:
            seed = parse_seed(read_seed_text(options["file"]))
            report = load_seed(seed)
        except SeedError as error:
            raise CommandError(f"无法载入种子内容：{error}") from error
        for line in report.lines():
            self.stdout.write(line)
