"""Load the bundled library of response options, so a new installation has one.

Reads only the fields this migration knows, from the bundled JSON; later edits of the file
are applied with `vigil load_response_options`, which is idempotent."""

import json
from pathlib import Path

from django.db import migrations

OPTIONS = Path(__file__).resolve().parents[1] / "data" / "response_options.json"
FIELDS = ("kind", "name", "description", "typical_lead_time_days", "typical_actors")


def load(apps, schema_editor):
    ResponseOption = apps.get_model("responses", "ResponseOption")
    for row in json.loads(OPTIONS.read_text(encoding="utf-8"))["options"]:
        ResponseOption.objects.get_or_create(
            code=row["code"], defaults={name: row[name] for name in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [("responses", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
