"""The database itself refuses to change an audit record (append-only, beyond what the application enforces).

DELETE stays possible for a database administrator's retention job and for test-database flushes; the
application and the API have no delete path.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS core_auditrecord_no_update
BEFORE UPDATE ON core_auditrecord
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditrecord_no_update;"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_auditrecord_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord
    FOR EACH ROW EXECUTE FUNCTION core_auditrecord_no_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditrecord_no_update ON core_auditrecord;
DROP FUNCTION IF EXISTS core_auditrecord_no_update();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
