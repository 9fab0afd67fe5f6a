"""The bulletin's documents: HTML, PDF, DOCX and XLSX."""
