"""Forms of the publicity pages. They only shape input; ``services.publicity`` validates and writes."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.filters import region_choices
from yingji.core.models import Organisation
from yingji.enterprises import industries

from .models.publicity import PublicityActivity, PublicityKind

_DATE = {"type": "date"}
#: One media report a line: outlet | title | link | date (the link and date may be left empty).
MEDIA_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def media_lines(items) -> str:
    return "\n".join(" | ".join(item.get(k, "") for k in ("outlet", "title", "link", "date")).rstrip(" |")
                     for item in items or ())


class PublicityActivityForm(forms.ModelForm):
    media = forms.CharField(
        label=_("Media reports"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One report a line: outlet | title | link | date (link and date may be left out)."))
    industry_division = forms.ChoiceField(
        label=_("Industry"), required=False,
        help_text=_("For activities addressed to the enterprises of one industry."))

    class Meta:
        model = PublicityActivity
        fields = ["title", "kind", "held_on", "place", "region_code", "organiser", "co_organisers", "audience",
                  "participants", "materials_count", "materials_kinds", "industry_division", "description"]
        widgets = {"held_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = PublicityKind.choices()
        self.fields["region_code"] = forms.ChoiceField(label=_("Township / village"), choices=region_choices(user))
        self.fields["organiser"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation),
                                                                        is_active=True)
        self.fields["industry_division"].choices = [("", "—"), *industries.grouped_division_choices()]
        self.order_fields([*self.Meta.fields[:11], "industry_division", "description", "media"])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code
            self.initial["media"] = media_lines(self.instance.media)
        elif user.scope_region_code:
            self.fields["region_code"].initial = user.scope_region_code
            own = self.fields["organiser"].queryset.filter(region_code=user.scope_region_code).order_by("id")
            if len(user.scope_region_code) > 6 and own.exists():
                self.fields["organiser"].initial = own.first().pk

    def clean_media(self):
        items = []
        for number, line in enumerate((self.cleaned_data.get("media") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = MEDIA_SEPARATOR.split(line.strip())
            if len(parts) > 4:
                raise forms.ValidationError(_("Line %(n)s has more than four parts.") % {"n": number})
            parts += [""] * (4 - len(parts))
            items.append(dict(zip(("outlet", "title", "link", "date"), parts, strict=True)))
        return items

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, up to 10 MB."))
