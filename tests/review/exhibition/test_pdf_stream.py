"""The streaming reportlab canvas of the 作品集: photos read from files while the PDF is written, and the
PDF written object by object into the output (bounded memory for 200 entries)."""


from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from review.exhibition.pdf_stream import StreamingCanvas


def draw(paths, target):
    with target.open("wb") as out:
        canvas = StreamingCanvas(out, pagesize=A4)
        for path in paths:
            canvas.draw_jpeg_file(str(path), 100, 400, 400, 300)
            canvas.showPage()
        canvas.save()


def assert_cross_references_point_at_their_objects(data: bytes) -> None:
    """Every offset of the xref table is where its object starts (readers repair silently otherwise)."""
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    lines = data[start:].split(b"\n")
    assert lines[0].strip() == b"xref"
    first, count = map(int, lines[1].split())
    assert first == 0 and count > 3
    for number, line in enumerate(lines[3:2 + count], start=1):
        offset = int(line[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number), number


def test_the_streamed_pdf_reads_back_with_every_photo_and_the_files_are_gone(noise_jpegs, tmp_path):
    paths = noise_jpegs(3)
    originals = [path.read_bytes() for path in paths]
    target = tmp_path / "album.pdf"
    draw(paths, target)
    data = target.read_bytes()
    assert_cross_references_point_at_their_objects(data)
    reader = PdfReader(str(target))
    assert len(reader.pages) == 3
    for page in reader.pages:
        (image,) = page.images
        assert image.image.size == (400, 300)
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    assert all(original in data for original in originals)  # the JPEGs as they were, never re-encoded
    assert not any(path.exists() for path in paths)


def test_the_peak_memory_does_not_grow_with_the_photos(noise_jpegs, tmp_path, growth_with_the_photos):
    paths = noise_jpegs(33)
    one_photo = max(path.stat().st_size for path in paths)
    growth = growth_with_the_photos(draw, paths, tmp_path / "album.pdf")
    # Kept until save (reportlab's own drawImage), 30 photos instead of 3 would add 27 photos, twice over
    # when the file is joined in memory.
    assert (tmp_path / "album.pdf").stat().st_size > 30 * one_photo
    assert growth < 2 * one_photo, (growth, one_photo)
