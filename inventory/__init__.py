"""The source of truth: tables, database, migrations, import/export and the sample city."""
