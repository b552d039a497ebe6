from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least three of four character classes: lower case, upper case, digits, symbols (等保 3 baseline)."""

    def validate(self, password: str, user=None) -> None:
        classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower case, upper case, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lower case, upper case, digits, symbols.")


class NoReuseValidator:
    """Refuse the current password and the last ``PasswordHistory.KEEP`` ones (等保 3 baseline)."""

    def validate(self, password: str, user=None) -> None:
        from django.contrib.auth.hashers import check_password

        from .models import PasswordHistory

        if user is None or not getattr(user, "pk", None):
            return
        previous = [user.password] if user.password else []
        previous += list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
                         [:PasswordHistory.KEEP - 1])
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(
                _("You used this password recently; choose one you have not used in your last %(n)d passwords.")
                % {"n": PasswordHistory.KEEP}, code="password_reused")

    def get_help_text(self) -> str:
        return _("Do not reuse any of your last five passwords.")
