from types import SimpleNamespace

from submissions.enums import PhotoKind
from submissions.naming import NAME_MAX, clean_part, photo_download_name


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


def test_photo_download_name_trims_long_parts_and_trailing_dots():
    name = photo_download_name(entry(title="隐" * 300 + "...", unit="单位" * 100), photo())
    assert len(name) <= NAME_MAX + 4 and name.endswith(".jpg")
    assert clean_part("名称. . .", 40) == "名称"


def test_photo_download_name_empty_title_leaves_no_double_separator():
    assert photo_download_name(entry(title=" / "), photo()) == "007-山西某某煤业有限责任公司-张三-整改前1.jpg"
