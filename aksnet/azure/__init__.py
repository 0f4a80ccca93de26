"""The only package that imports azure.*: clients, executor steps, teardown, migration, preflight."""
