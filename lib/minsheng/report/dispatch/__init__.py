"""The monthly dispatch (月调度): each indicator's light, the lights that changed, the returns to
chase, the 督办提示 — as an official document with its own arithmetic check.

`assemble` gathers every table the dispatch prints (catalogue + cleaned outputs + month in,
frames out: `DispatchData`); `build` turns them into a `Dispatch`, an official document
(report.document) titled "重庆市2026年重点民生实事9月调度情况": 一、总体情况 (one paragraph of
counts), 二、红灯和黄灯指标 (named with their lead units), 三、较上月变化, 四、数据报送情况, 五、工作要求,
and 附件 红灯、黄灯指标清单 (each one's 完成率, 序时进度, gap, months lit); every figure in it
computed, and `checks` reads every printed figure back. `files` writes it as HTML, PDF, DOCX,
dispatch.xlsx and one 督办提示 per lead unit. The lights are rules.lights'.

Modules: data (DispatchData, assemble), wording (lights in words, palette), sections,
attachment, checks, model (Dispatch), build, notices, sheets (dispatch.xlsx), files.
"""

from minsheng.report.dispatch.build import build_dispatch as build
from minsheng.report.dispatch.build import dispatch_title as title
from minsheng.report.dispatch.checks import DispatchCheckError, check_dispatch, verify_dispatch
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.data import assemble_dispatch as assemble
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.notices import build_notices

__all__ = ["Dispatch", "DispatchCheckError", "DispatchData", "assemble", "build",
           "build_notices", "check_dispatch", "title", "verify_dispatch"]
