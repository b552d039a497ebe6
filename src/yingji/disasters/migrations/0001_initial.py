from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration holds nothing: each area's tables come in their own migration after it."""

    initial = True

    dependencies: list = []

    operations: list = []
