from io import StringIO

from django.core.management import call_command


def test_migrations_are_committed(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    assert "No changes detected" in out.getvalue()
