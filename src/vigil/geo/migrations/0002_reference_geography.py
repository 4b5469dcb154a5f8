"""Load the bundled countries, crosswalks and regional memberships with the schema.

`vigil migrate` alone must leave a usable store: without the Gleditsch-Ward, ISO and FIPS
crosswalks every imported row is refused. Later edits of the CSVs are applied with
`vigil load_geography`, which is idempotent and runs the same loader."""

from django.db import migrations


def load(apps, schema_editor):
    from vigil.geo.services import load_reference_geography

    load_reference_geography(apps)


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
