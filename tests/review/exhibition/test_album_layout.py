"""The album PDF prints the texts in full (flowing onto the next page) and wraps the cover title sensibly;
the Word album's contents carry page numbers (PAGEREF fields Word updates on open)."""

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_TAB_LEADER
from docx.oxml.ns import qn
from pypdf import PdfReader

from portal.campaigns.models import Campaign
from review.exhibition import album_docx, album_pdf
from review.exhibition.album_pdf import write_album_pdf
from submissions.models import Entry

pytestmark = pytest.mark.django_db
LONGEST = Campaign._meta.get_field("hazard_max_chars").validators[-1].limit_value  # what a campaign may allow


def longest_text(word: str) -> str:
    """A text of LONGEST characters in which every stretch is different (a cut or a lost line shows)."""
    text, index = "", 0
    while len(text) < LONGEST:
        text += f"{word}{index}处；"
        index += 1
    return text[:LONGEST]


def pages_of(campaign) -> list[str]:
    out = io.BytesIO()
    write_album_pdf(campaign, out, names=True)
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_longest_allowed_texts_are_printed_in_full_and_the_contents_follow(campaign, shown):
    campaign.hazard_max_chars = campaign.rectification_note_max_chars = LONGEST
    campaign.full_clean()
    campaign.save()
    hazard, rectification = longest_text("配电室隐患"), longest_text("已整改")
    Entry.objects.filter(pk=shown["star"].pk).update(hazard=hazard, rectification_note=rectification)
    pages = pages_of(campaign)
    whole = squeezed("".join(pages))
    assert squeezed(hazard) in whole and squeezed(rectification) in whole
    # the star (一等奖, first) takes more than one page; every entry's title is on the page the contents give
    # contents lines: "1. title", the unit, the page (pypdf reads the three columns one under the other)
    listed = {int(number): int(page) for number, page in re.findall(r"^(\d+)\. .*\n.*\n(\d+)$", pages[1], re.M)}
    assert listed[1] == 3 and listed[2] > 4 and len(listed) == 3
    for number, award in ((1, "一等奖"), (2, "二等奖"), (3, "三等奖")):
        first = squeezed(pages[listed[number] - 1])
        assert first.startswith(f"{award}·{number}") and not first.startswith(f"{award}·{number}（续）")
    assert all(squeezed(page).startswith("一等奖·1（续）") for page in pages[3:listed[2] - 1])
    assert "组织奖" in pages[-1] and f"组织奖{len(pages)}" in squeezed(pages[1])


def test_short_texts_keep_one_page_per_entry(campaign, shown):
    assert len(pages_of(campaign)) == 6  # cover, contents, three entries, 组织奖


@pytest.mark.parametrize("title", [
    "第四届全省职工安全隐患和职业危害“随手拍”活动",
    "2025年全省职工安全隐患和职业危害“随手拍”活动暨第四届全省职工安全生产月《随手拍》竞赛表彰",
])
def test_the_cover_title_wraps_between_words_in_even_lines(campaign, shown, title):
    campaign.title = title
    campaign.save(update_fields=["title"])
    cover = pages_of(campaign)[0]
    lines = [line.strip() for line in cover.splitlines() if line.strip()]
    assert "".join(lines).startswith(squeezed(title))
    title_lines = lines[:len(album_pdf.balanced_lines(title, 26, album_pdf.WIDTH - 2 * album_pdf.MARGIN))]
    assert len(title_lines) >= 2 and "".join(title_lines) == squeezed(title)
    for quoted in re.findall(r"“[^”]+”|《[^》]+》", title):
        assert any(quoted in line for line in title_lines), quoted
    assert "2025年" not in title or any("2025年" in line for line in title_lines)
    lengths = [len(line) for line in title_lines]
    assert max(lengths) - min(lengths) <= 4  # balanced, not one full line and a stub


def test_the_word_contents_refer_to_each_entrys_page_and_word_updates_them_on_open(campaign, shown):
    out = io.BytesIO()
    album_docx.write_album_docx(campaign, out, names=True)
    document = Document(io.BytesIO(out.getvalue()))
    body = document.element.body
    bookmarks = {start.get(qn("w:name")): start.getparent() for start in body.iter(qn("w:bookmarkStart"))}
    ids = [start.get(qn("w:id")) for start in body.iter(qn("w:bookmarkStart"))]
    assert len(ids) == len(set(ids)) == len(list(body.iter(qn("w:bookmarkEnd"))))
    references = {}
    for paragraph in document.paragraphs:
        instructions = "".join(text.text for text in paragraph._p.iter(qn("w:instrText")))
        if "PAGEREF" in instructions:
            references[paragraph.text.rstrip("\t")] = instructions.split()[1]
            assert paragraph.paragraph_format.tab_stops[0].leader == WD_TAB_LEADER.DOTS
    assert len(references) == 4  # three entries and the 组织奖
    for number, entry, award in ((1, shown["star"], "一等奖"), (2, shown["second"], "二等奖"),
                                 (3, shown["third"], "三等奖")):
        bookmark = references[f"{number}. {entry.title}（{entry.unit.name}）"]
        assert "".join(text.text for text in bookmarks[bookmark].iter(qn("w:t"))) == f"{award} · {number}"
    assert "".join(text.text for text in bookmarks[references["组织奖"]].iter(qn("w:t"))) == "组织奖"
    settings = [child.tag for child in document.settings.element]
    update = document.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    assert settings.index(qn("w:updateFields")) < settings.index(qn("w:compat"))
