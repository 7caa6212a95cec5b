import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied

from portal.refusals import Refused, refusal_message


def _request(rf):
    request = rf.post("/anything/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_refused_carries_message_code_and_details():
    refused = Refused("作品尚未完整", code="incomplete", details=["缺少照片", "缺少地点"])
    assert (str(refused), refused.message, refused.code) == ("作品尚未完整", "作品尚未完整", "incomplete")
    assert refused.details == ("缺少照片", "缺少地点")
    assert refused.messages == ["缺少照片", "缺少地点"]


def test_refused_without_details_lists_its_message():
    refused = Refused("不能提交")
    assert (refused.code, refused.details, refused.messages) == ("refused", (), ["不能提交"])


def test_refused_permission_denied_has_its_code_and_a_default_message():
    refused = Refused.permission_denied()
    assert refused.denied and refused.code == "permission_denied" and refused.message
    assert not Refused("x").denied


def test_refusal_message_shows_the_message_as_is(rf):
    request = _request(rf)
    refusal_message(request, Refused("当前不在该阶段。", code="phase_closed"))
    assert [str(message) for message in get_messages(request)] == ["当前不在该阶段。"]


def test_refusal_message_permission_denied_answers_403(rf):
    request = _request(rf)
    with pytest.raises(PermissionDenied):
        refusal_message(request, Refused.permission_denied("只有单位工会可以推荐。"))
    assert not list(get_messages(request))
