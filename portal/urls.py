from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal.accounts import views as account_views

admin.site.site_header = _("随手拍活动管理后台")
admin.site.site_title = _("随手拍活动")
admin.site.index_title = _("省活动组委会办公室")

urlpatterns = [
    path("", account_views.landing, name="landing"),
    path("accounts/", include("portal.accounts.urls")),
    path("directory/", include("portal.directory.urls")),
    path("files/", include("portal.files.urls")),
    path("submissions/", include("submissions.urls")),
    path("health/", include("portal.health_urls")),
    path("scoring/", include("scoring.urls")),
    path("review/", include("review.urls")),
    path("experts/", include("review.experts.urls")),
    path("exhibition/", include("review.exhibition.urls")),
    path("exports/", include("portal.exports.urls")),
    path("stats/", include("review.reports.urls")),
    path("hazards/", include("hazards.urls")),
    path("tips/", include("tips.urls")),
    path("returns/", include("returns.urls")),
    path("ankang/", include("ankang.urls")),
    path("captcha/", include("captcha.urls")),  # the CAPTCHA images of the public tip form
    path("admin/", admin.site.urls),
]

# An oversized or malformed request gets a page (or JSON for the upload script) that says why.
handler400 = "portal.request_limits.bad_request"
