from django.utils.translation import gettext_lazy as _

from yingji.core.choices import ChoiceSet


class EnterpriseStatus(ChoiceSet):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    CHOICES = (
        (OPERATING, _("Operating"), "success"),
        (SUSPENDED, _("Production suspended"), "warning"),
        (CLOSED, _("Closed"), "secondary"),
    )
