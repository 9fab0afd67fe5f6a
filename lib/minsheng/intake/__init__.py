"""Intake: reading the units' submissions and cleaning them into the ledger."""
