"""The rules: schedule, attainment, status, projection, roll-ups, assessment. Pure functions."""
