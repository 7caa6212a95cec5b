from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import EMAIL_TAKEN_MESSAGE, email_in_use
from portal.accounts.models import Role, User


class UserChangeForm(BaseUserChangeForm):
    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        # One account per e-mail here too, so a password reset reaches one account (issue 12.12).
        if email and email_in_use(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ("node",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    inlines = [RoleInline]
    list_display = ("username", "full_name", "phone", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("联系信息"), {"fields": ("full_name", "phone", "address")}),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "node", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__full_name", "node__name")
    autocomplete_fields = ("user", "node")
