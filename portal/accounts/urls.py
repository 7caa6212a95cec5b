from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from portal.accounts import views
from portal.accounts.forms import SingleAccountPasswordResetForm

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("home/", views.home, name="home"),
    path("home/<slug:kind>/", views.role_home, name="role_home"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_change_done"),
        extra_context={"page_title": "修改密码"}), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/message_page.html",
        extra_context={"page_title": "密码已修改", "message": "您的密码已修改。"}), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        form_class=SingleAccountPasswordResetForm,
        template_name="accounts/form_page.html", email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_context={"page_title": "找回密码",
                       "intro": "输入注册时填写的电子信箱，我们会发送重设密码的链接。"}), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message_page.html",
        extra_context={"page_title": "邮件已发送",
                       "message": "如果该信箱已注册，您将收到一封重设密码的邮件。"}), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(
        template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_reset_complete"),
        extra_context={"page_title": "设置新密码"}), name="password_reset_confirm"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message_page.html",
        extra_context={"page_title": "密码已重设", "message": "密码已重设，请重新登录。"}),
        name="password_reset_complete"),
]
