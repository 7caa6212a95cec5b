from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.directory.exporting import DirectoryExporter


class Command(BaseCommand):
    help = "把组织目录导出为 xlsx 或 csv（与导入的列相同）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        suffix = file.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("只支持 .xlsx 或 .csv 文件名。")
        exporter = DirectoryExporter()
        with file.open("wb") as stream:
            if suffix == ".xlsx":
                exporter.write_xlsx(stream)
            else:
                exporter.write_csv(stream)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {file}"))
