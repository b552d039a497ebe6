"""Forms of the core pages. They only shape input; services validate the domain and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import policy, values
from .choices import Role
from .models import Organisation, Region, User, enterprise_model, mobile_validator


class PhoneField(forms.CharField):
    """A phone number as everywhere else (core.values.check_phone): mobile, landline with area code, or a short
    service number. The one form field for every phone a page writes."""

    default_validators = [values.validate_phone]

    def __init__(self, *, max_length: int = 32, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class MobileField(forms.CharField):
    """An 11-digit mainland mobile number (an account's phone, a contact's mobile)."""

    default_validators = [mobile_validator]

    def __init__(self, **kwargs):
        super().__init__(max_length=11, **kwargs)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Note that repeated failures lock the account."),
        "inactive": _("This account is disabled."),
    }


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "kind", "lat", "lon", "population", "area_km2", "is_mountain", "is_flood_key"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "region_code", "parent", "lead_unit", "member_units", "duties",
                  "address", "duty_phone", "is_active"]
        widgets = {"member_units": forms.SelectMultiple(attrs={"size": 8}),
                   "duties": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organisation.objects.filter(policy.scope_q(user, Organisation))
        for name in ("parent", "lead_unit", "member_units"):
            self.fields[name].queryset = visible
        regions = Region.objects.filter(policy.scope_q(user, Region)).order_by("code")
        self.fields["region_code"] = forms.ChoiceField(
            label=_("Region"), choices=[(r.code, f"{r.code} {r.name}") for r in regions])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ContactForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=100, required=False)
    mobile = MobileField(label=_("Mobile"), required=False)
    office_phone = PhoneField(label=_("Office phone"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


def _scope_choices(user):
    regions = Region.objects.filter(policy.scope_q(user, Region)).order_by("code")
    return [("", "—")] + [(r.code, f"{r.code} {r.name}") for r in regions]


class _AccountFields(forms.Form):
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    phone = MobileField(label=_("Mobile"), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices(),
                                      widget=forms.CheckboxSelectMultiple)
    scope_region_code = forms.ChoiceField(label=_("Scope: region"), required=False)
    enterprise = forms.ModelChoiceField(label=_("Scope: enterprise"), queryset=None, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)

    def setup(self, user):
        Enterprise = enterprise_model()
        self.fields["scope_region_code"].choices = _scope_choices(user)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(policy.scope_q(user, Enterprise))
        self.fields["organisation"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation))

    def clean(self):
        data = super().clean()
        if bool(data.get("scope_region_code")) == bool(data.get("enterprise")):
            raise forms.ValidationError(_("Choose exactly one scope: a region or an enterprise."))
        return data


class UserCreateForm(_AccountFields):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$")
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, max_length=128)
    field_order = ["username", "password", "display_name", "phone", "email", "roles", "scope_region_code",
                   "enterprise", "organisation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(user)

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"username": d["username"], "password": d["password"], "roles": d["roles"],
                "scope_region_code": d["scope_region_code"] or "", "enterprise": d["enterprise"],
                "display_name": d["display_name"], "phone": d["phone"], "email": d["email"],
                "organisation": d["organisation"], "must_change_password": True}


class UserEditForm(_AccountFields):
    def __init__(self, *args, instance: User, user, **kwargs):
        initial = {"display_name": instance.display_name, "phone": instance.phone, "email": instance.email,
                   "roles": sorted(instance.role_keys), "scope_region_code": instance.scope_region_code,
                   "enterprise": instance.enterprise_id, "organisation": instance.organisation_id}
        super().__init__(*args, initial=initial, **kwargs)
        self.setup(user)

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"roles": d["roles"], "display_name": d["display_name"], "phone": d["phone"], "email": d["email"],
                "scope_region_code": d["scope_region_code"] or "", "enterprise": d["enterprise"],
                "organisation": d["organisation"]}


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput, max_length=128)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
