"""The bulletin's sections, one module each, in reading order: overview (一), items (二),
lagging (三), districts (四), quality (五), annex (附表)."""
