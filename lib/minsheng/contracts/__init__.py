"""What passes between the stages: the ledger, the quality report, the checks, the store."""
