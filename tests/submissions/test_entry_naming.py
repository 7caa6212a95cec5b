from types import SimpleNamespace

import pytest

from submissions.enums import PhotoKind
from submissions.naming import NAME_MAX_BYTES, clean_part, photo_download_name, unique_photo_name, utf8_len
from tests.factories.submissions import LONG_AUTHOR, LONG_TITLE, LONG_UNIT


def entry(title="配电箱门未上锁", unit="山西某某煤业有限责任公司", author="张三", pk=7):
    return SimpleNamespace(pk=pk, title=title, author_name=author, unit_id=1, unit=SimpleNamespace(name=unit))


def photo(kind=PhotoKind.HAZARD, position=1):
    return SimpleNamespace(kind=kind, position=position)


def test_photo_download_name_follows_the_notice_convention():
    assert photo_download_name(entry(), photo()) == "007-配电箱门未上锁-山西某某煤业有限责任公司-张三-整改前1.jpg"
    assert photo_download_name(entry(), photo(PhotoKind.RECTIFIED, 3), index=12) == (
        "012-配电箱门未上锁-山西某某煤业有限责任公司-张三-整改后3.jpg")


def test_photo_download_name_strips_windows_illegal_control_and_bidi_characters():
    name = photo_download_name(entry(title='a<b>c:d"e/f\\g|h?i*j\x00k\u202egpj.exe\u200b', author="张\t三"),
                               photo())
    assert name == "007-abcdefghijkgpj.exe-山西某某煤业有限责任公司-张三-整改前1.jpg"
    assert not any(ch in name for ch in '<>:"/\\|?*\x00\u202e\u200b\t')


@pytest.mark.parametrize("kind", [PhotoKind.HAZARD, PhotoKind.RECTIFIED])
def test_a_long_name_is_capped_in_bytes_keeping_number_full_unit_author_and_suffix(kind):
    name = photo_download_name(entry(title=LONG_TITLE[:60], unit=LONG_UNIT, author=LONG_AUTHOR),
                               photo(kind, 4), index=123)
    assert utf8_len(name) <= NAME_MAX_BYTES
    label = "整改前" if kind == PhotoKind.HAZARD else "整改后"
    assert name.startswith("123-高处作业")
    assert name.endswith(f"…-{LONG_UNIT}-{LONG_AUTHOR}-{label}4.jpg")  # the title was shortened, nothing else


def test_a_duplicate_number_stays_within_the_byte_cap():
    taken: set[str] = set()
    long_entry = entry(title=LONG_TITLE[:60], unit=LONG_UNIT, author=LONG_AUTHOR)
    names = [unique_photo_name(long_entry, photo(), 1, taken) for _ in range(3)]
    assert len(set(names)) == 3
    assert names[1].endswith("-整改前1 (2).jpg") and names[2].endswith("-整改前1 (3).jpg")
    assert all(utf8_len(name) <= NAME_MAX_BYTES for name in names)


def test_a_unit_name_longer_than_the_whole_budget_is_cut_as_a_last_resort():
    name = photo_download_name(entry(title="隐" * 300 + "...", unit="单位" * 100), photo())
    assert utf8_len(name) <= NAME_MAX_BYTES and name.endswith("-张三-整改前1.jpg") and name.startswith("007-单位")
    assert clean_part("名称. . .", 40) == "名称"


def test_photo_download_name_empty_title_leaves_no_double_separator():
    assert photo_download_name(entry(title=" / "), photo()) == "007-山西某某煤业有限责任公司-张三-整改前1.jpg"
