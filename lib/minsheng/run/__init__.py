"""Running: the command line, parameters, papermill execution and publication."""
