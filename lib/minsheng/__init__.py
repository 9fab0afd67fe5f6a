"""minsheng: tracking key livelihood projects (重点民生实事) from submissions to bulletin."""
__version__ = "0.1.0"
