"""The district bulletin (区县通报): one district's quarterly bulletin, its data and its check.

`assemble` (data.assemble_district) gathers one district's figures from the catalogue and the
ledger, computed exactly as the city bulletin's (same cut-off, table, district detail and
ranking); `build` (build.build_district) turns them into a `DistrictBulletin`, an official
document (report.document): 标题, 主送 the district's people's government, 一、总体情况,
二、存在问题, 三、下一步工作要求, 附件1 the district's indicators, 附件2 the city-wide ones.
`checks` reads every printed figure back and recomputes it; `files.write_district_files`
writes bulletin.html / .pdf / .docx and tables.xlsx. No code or file name reaches the text.

Modules: data, sections (the body), attachments, model, checks, build, tables (XLSX), files.
"""

from minsheng.report.district.build import build_district, district_title
from minsheng.report.district.checks import check_district, verify_district
from minsheng.report.district.data import DistrictData, assemble_district
from minsheng.report.district.files import write_district_files
from minsheng.report.district.model import DistrictBulletin

assemble = assemble_district
build = build_district

__all__ = ["DistrictBulletin", "DistrictData", "assemble", "assemble_district", "build",
           "build_district", "check_district", "district_title", "verify_district",
           "write_district_files"]
