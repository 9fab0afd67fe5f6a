"""五、下一步工作要求: the office's standing paragraphs (settings.yaml bulletin.next_steps),
which it edits in the DOCX before issuing."""

from __future__ import annotations

from minsheng.config import settings
from minsheng.report.document import Paragraph, Section
from minsheng.report.format import chinese_numeral


def next_steps_section() -> Section:
    steps = settings()["bulletin"]["next_steps"]
    subs = tuple(Section(f"next-{i}", f"（{chinese_numeral(i)}）{step['heading']}",
                         (Paragraph("".join(step["text"].split())),), level=2)
                 for i, step in enumerate(steps, 1))
    return Section("next-steps", "五、下一步工作要求", subsections=subs)
