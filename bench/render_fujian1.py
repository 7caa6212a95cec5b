"""Render one 附件1 评审报名表 through LibreOffice into docs/images/fujian1.png, to compare with the paper form.

    python bench/render_fujian1.py [--out docs/images/fujian1.png] [--keep /tmp/fujian1.xlsx]

Needs `soffice` (Debian: apt-get install libreoffice-calc) and `pdftoppm` (poppler-utils), plus a CJK font
(fonts-noto-cjk). A sample entry is built in a throw-away SQLite database; nothing else is touched. The
test suite never depends on this script.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_workbook() -> bytes:
    from django.core.management import call_command
    from django.db import transaction

    from portal.accounts.enums import RoleKind
    from portal.accounts.models import Role, User
    from portal.campaigns.notice import ensure_notice_campaign
    from portal.directory.enums import NodeKind
    from portal.directory.models import OrgNode
    from review.reports.exporters import EntryFormsExport
    from scoring.services import assess_entry
    from submissions.enums import EntryState, PhotoKind, Tier
    from submissions.models import Entry, Photo

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        campaign = ensure_notice_campaign()
        province = OrgNode.objects.create(name="山西省总工会", kind=NodeKind.PROVINCE)
        city = OrgNode.objects.create(name="太原市总工会", kind=NodeKind.CITY, parent=province)
        county = OrgNode.objects.create(name="太原市小店区总工会", kind=NodeKind.COUNTY, parent=city)
        unit = OrgNode.objects.create(name="太原市小店区恒安机械制造有限公司", kind=NodeKind.UNIT, parent=county)
        author = User.objects.create(username="sample-author", full_name="张三")
        coordinator = User.objects.create(username="sample-unit", full_name="李四")
        staff = User.objects.create(username="sample-city", full_name="王五")
        Role.objects.create(user=coordinator, kind=RoleKind.UNIT, node=unit)
        Role.objects.create(user=staff, kind=RoleKind.CITY, node=city)
        entry = Entry(
            campaign=campaign, author=author, author_name="张三", unit=unit,
            contact_address="太原市小店区长治路1号", contact_phone="13912345678", contact_email="zhangsan@example.com",
            industry=campaign.industries.get(name="机械"), category=campaign.hazard_categories.get(name="物的不安全状态"),
            title="配电箱门未上锁", description="车间配电箱门未上锁、无警示标识，存在触电风险；已加锁并张贴警示标识。",
            taken_on=date(2025, 6, 12), location="一号车间东侧配电室", hazard="配电箱门未上锁，箱内带电部位裸露，无警示标识。",
            suggestion="配电箱加锁，由专人保管钥匙；张贴“当心触电”警示标识。", rectification_note="已加锁并张贴警示标识，班组每日巡检。",
            declaration_accepted=True, declaration_name="张三", declaration_date=date(2025, 6, 15),
            state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE, has_rectification_photos=True)
        entry.place_in_directory()
        entry.save()
        for kind, count in ((PhotoKind.HAZARD, 2), (PhotoKind.RECTIFIED, 2)):
            for position in range(1, count + 1):
                Photo.objects.create(entry=entry, kind=kind, position=position, original="originals/sample.jpg",
                                     sha256=f"{kind}{position}".ljust(64, "0"), size=3_600_000, width=4000,
                                     height=3000)
        assess_entry(entry, actor=coordinator, tier=Tier.UNIT, values={"l": "2", "e": "1.8", "c": "22", "x": "0.99",
                                                                        "y": "0.99"},
                     comment="隐患真实，整改及时到位，同意推荐。")
        buffer = io.BytesIO()
        EntryFormsExport().generate({"campaign": campaign.pk, "union": city.pk, "entries": None}, staff, buffer,
                                    lambda done, total: None)
        transaction.set_rollback(True)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "fujian1.png"))
    parser.add_argument("--keep", default="", help="also keep the xlsx at this path")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y libreoffice-calc poppler-utils fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ.update({"PORTAL_DEBUG": "1", "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
                           "PORTAL_MEDIA_ROOT": str(work / "media"), "DJANGO_SETTINGS_MODULE": "portal.settings"})
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        xlsx = work / "fujian1.xlsx"
        xlsx.write_bytes(build_workbook())
        if args.keep:
            shutil.copy(xlsx, args.keep)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work / 'profile'}", "--convert-to",
                        "pdf", "--outdir", str(work), str(xlsx)], check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(work / "fujian1.pdf"),
                        str(work / "page")], check=True, timeout=60)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "page.png", args.out)
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
