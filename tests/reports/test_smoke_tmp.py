import pytest
from portal.exports.services import request_export
from portal.exports.models import ExportJob
from tests.reports.helpers import recommended_entry, workbook, zip_of

pytestmark = pytest.mark.django_db

def test_smoke(people, org, campaign, client, django_capture_on_commit_callbacks):
    e1 = recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"], title="=HYPERLINK(1)")
    e2 = recommended_entry(people["worker_a0"], campaign, assessor=people["unit_a0"], grader=people["city"])
    for kind in ["fujian1", "fujian2", "fujian3", "photos"]:
        with django_capture_on_commit_callbacks(execute=True):
            job = request_export(kind, {"union": str(org.city_a.pk)}, actor=people["city"])
        job.refresh_from_db()
        print(kind, job.status, job.error, job.download_name, job.size)
        client.force_login(people["city"])
        r = client.get(f"/files/export/{job.pk}/")
        data = b"".join(r.streaming_content)
        print(r.status_code, r["Content-Disposition"])
        if kind == "photos":
            z = zip_of(data)
            for i in z.infolist(): print(i.filename, i.flag_bits, i.file_size)
        else:
            wb = workbook(data)
            for ws in wb.worksheets:
                print(ws.title, sorted(str(r) for r in ws.merged_cells.ranges)[:8])
                for row in ws.iter_rows(min_row=1, max_row=30, values_only=True):
                    if any(v is not None for v in row): print(row)
    with open("/tmp/fujian1.xlsx","wb") as f:
        job = ExportJob.objects.filter(kind="fujian1").first()
        f.write(job.file.read())
