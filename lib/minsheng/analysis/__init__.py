"""The analyst API: questions the bulletin does not answer, as pure functions of a workspace."""
