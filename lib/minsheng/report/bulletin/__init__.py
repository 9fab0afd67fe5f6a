"""The quarterly bulletin (季通报): its figures, its Chinese text, and its own arithmetic check.

`assemble` gathers every table the bulletin prints (pure: catalogue + ledger in, frames out);
`build` turns them into a `Bulletin`, an official document (report.document) with its data:
标题, 主送, 一、总体情况, 二、主要进展, 三、存在问题, 四、区县情况, 五、下一步工作要求, 附件1–3,
that every export (HTML, PDF, DOCX; XLSX reads the data) renders as is. Every number in it is
computed from the data, never typed, and `checks` reads every printed figure back.
Internal matters (quarantined rows, flags, file names) are not in it: they go to the office's
数据核实清单 (report.checklist).

Modules: data (BulletinData, assemble), model (Bulletin), counts (counts as printed and read
back), sections (one module per part), checks (one module per part it checks), build.
"""

from minsheng.report.bulletin.build import build, title
from minsheng.report.bulletin.checks import ArithmeticCheckError, check_arithmetic, verify
from minsheng.report.bulletin.counts import CAP, overall_summary
from minsheng.report.bulletin.data import BulletinData, assemble
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.bulletin.sections.overview import draw_overview

__all__ = ["CAP", "ArithmeticCheckError", "Bulletin", "BulletinData", "assemble", "build",
           "check_arithmetic", "draw_overview", "overall_summary", "title", "verify"]
