from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.directory.importing import import_directory
from portal.refusals import Refused


class Command(BaseCommand):
    help = "从 xlsx 或 csv 导入组织目录（列：单位全称、简称、类型、上级单位）；任何一行有误则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            result = import_directory(file.read_bytes(), file.name)
        except Refused as exc:
            for error in exc.messages:
                self.stderr.write(error)
            raise CommandError("文件有误，未导入任何数据。") from None
        self.stdout.write(self.style.SUCCESS(f"导入完成：新增 {result['created']} 个，更新 {result['updated']} 个。"))
