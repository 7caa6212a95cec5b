"""Word pictures of the 作品集 streamed from their files into the .docx (bounded memory for 200 entries)."""

import io
import zipfile

from docx import Document
from docx.shared import Cm

from review.exhibition.docx_stream import DeferredPictures


def write(paths, target):
    document = Document()
    pictures = DeferredPictures(document)
    for path in paths:
        pictures.add(document.add_paragraph().add_run(), str(path), width=Cm(7.5))
    with target.open("wb") as out:
        pictures.write(out)


def test_every_picture_is_in_the_file_as_it_was_and_the_files_are_gone(noise_jpegs, tmp_path):
    paths = noise_jpegs(3)
    originals = {path.read_bytes() for path in paths}
    target = tmp_path / "album.docx"
    write(paths, target)
    document = Document(io.BytesIO(target.read_bytes()))
    assert len(document.inline_shapes) == 3
    assert round(document.inline_shapes[0].width.cm, 1) == 7.5
    blobs = {part.blob for part in document.part.related_parts.values() if part.content_type == "image/jpeg"}
    assert blobs == originals
    with zipfile.ZipFile(target) as archive:
        media = [info for info in archive.infolist() if info.filename.startswith("word/media/")]
        assert len(media) == 3 and all(info.compress_type == zipfile.ZIP_STORED for info in media)
        assert archive.testzip() is None
    assert not any(path.exists() for path in paths)


def test_the_peak_memory_does_not_grow_with_the_pictures(noise_jpegs, tmp_path, growth_with_the_photos):
    paths = noise_jpegs(33)
    one_photo = max(path.stat().st_size for path in paths)
    growth = growth_with_the_photos(write, paths, tmp_path / "album.docx")
    # Kept in the package until save (python-docx's own add_picture), 27 more pictures would show.
    assert (tmp_path / "album.docx").stat().st_size > 30 * one_photo
    assert growth < 2 * one_photo, (growth, one_photo)
