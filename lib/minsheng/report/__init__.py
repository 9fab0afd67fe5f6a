"""Reporting: formats, labels, tables, charts, the bulletin and its exports."""
