"""A cap on the size of a whole request body, and the page shown for a refused request (400/413).

Django limits the non-file fields of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any amount of file
data to disk; nginx's client_max_body_size is the first guard, this one holds when Django runs without it.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds PORTAL_MAX_REQUEST_MB before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself treats a malformed length as an empty body
        if length > settings.PORTAL_MAX_REQUEST_MB * 1024 * 1024:
            # Handled like Django's own RequestDataTooBig: logged to django.security, answered by handler400.
            raise RequestDataTooBig(f"request body of {length} bytes over PORTAL_MAX_REQUEST_MB")
        return self.get_response(request)


def refusal_message(exception) -> tuple[int, str]:
    """The status and the Chinese explanation for a request Django refused before any view ran."""
    if isinstance(exception, RequestDataTooBig):
        return 413, _("提交的内容过大（超过 %(mb)d MB），无法处理。请压缩照片或分次上传，每次一张照片。") % {
            "mb": settings.PORTAL_MAX_REQUEST_MB}
    if isinstance(exception, TooManyFilesSent):
        return 400, _("一次上传的文件过多（最多 %(count)d 个），请分次上传。") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    if isinstance(exception, TooManyFieldsSent):
        return 400, _("表单的字段过多，无法处理。请返回后重试。")
    return 400, _("请求无法处理，请返回后重试。")


def bad_request(request, exception=None):
    """handler400: a clear page (or JSON for the upload script) instead of Django's generic one.

    Rendered without the request, like Django's default handler: the request may have failed before the
    session and user were attached, and its body must not be read again.
    """
    status, message = refusal_message(exception)
    wants_json = ("application/json" in request.headers.get("Accept", "")
                  or request.headers.get("X-Requested-With") == "XMLHttpRequest")
    if wants_json:
        return JsonResponse({"ok": False, "error": message}, status=status)
    body = loader.get_template("400.html").render({"message": message, "too_big": status == 413})
    return HttpResponse(body, status=status)
