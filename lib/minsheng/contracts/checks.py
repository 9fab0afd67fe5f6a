"""The checks the cleaner applies, with their codes, actions and reasons: the one table.

Every stage names a problem by its code (FILE_TYPE, NEGATIVE, APPROX …); the Chinese reason
units and the office read comes from here. data/README.md lists the same table.
Also defined here: the rows a submission may hold that are not input (SKIP_KINDS) and the
columns of the quarantine list. Actions: reject (a file), skip_file / skip_sheet (listed in
quality.json with the reason, never silently), skip (a row, counted), quarantine, warn, count.
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.config import settings


@dataclass(frozen=True)
class Check:
    code: str
    action: str      # reject | skip_file | skip_sheet | skip (row) | quarantine | warn | count
    catches: str     # what it catches, in English (the table in data/README.md)
    reason: str      # the Chinese reason shown to units and in the bulletin's 数据质量说明


CHECKS: tuple[Check, ...] = (
    # Whole files
    Check("FILE_TYPE", "reject", "a file that is not a workbook (.xlsx .xlsm .xls .xlsb .ods) or .csv, "
          "or not a regular file", "不是可读取的报送文件（应为 xlsx、xlsm、xls、xlsb、ods 或 csv 文件）"),
    Check("FILE_OUTSIDE_RAW", "reject", "a symbolic link whose target lies outside the raw folder",
          "链接指向原始数据目录之外，不予读取"),
    Check("FILE_TOO_LARGE", "reject", "a file above limits.max_file_bytes",
          "文件超过大小上限"),
    Check("FILE_ENCRYPTED", "reject", "a password-protected workbook",
          "文件设有打开密码，无法读取"),
    Check("FILE_UNREADABLE", "reject", "a corrupt or damaged file", "文件损坏或无法解析"),
    Check("FILE_ENCODING", "reject", "a CSV in none of UTF-8, GBK/GB18030, UTF-16 (with or without BOM)",
          "文件编码无法识别（应为 UTF-8、GBK/GB18030 或 UTF-16）"),
    Check("FILE_EMPTY", "reject", "a file with no content at all", "文件为空（没有任何内容）"),
    Check("FILE_NO_HEADER", "reject", "no header row (指标编号 + a reported column) in the first rows",
          "未找到表头（前若干行中没有“指标编号”列及填报列）"),
    Check("FILE_SHEETS_AMBIGUOUS", "reject", "two or more visible sheets with the form's header",
          "文件中有两个及以上工作表含月调度表表头，无法确定以哪个为准"),
    # Files and sheets not read (listed in quality.json files_skipped / sheets_skipped)
    Check("SKIP_FILE_HIDDEN", "skip_file", "a hidden file or folder (name starting with '.')",
          "隐藏文件或隐藏文件夹（名称以“.”开头），未读取"),
    Check("SKIP_FILE_LOCK", "skip_file", "an Office lock file (~$…)", "Office 临时锁定文件（~$ 开头），未读取"),
    Check("SKIP_FILE_BACKUP", "skip_file", "a backup or temporary file (.bak, .tmp, .wbk, .xlk, …~)",
          "备份或临时文件（.bak、.tmp、~ 结尾等），未读取"),
    Check("SKIP_FOLDER_LINK", "skip_file", "a link to a folder inside the raw folder (read there)",
          "指向原始数据目录内文件夹的链接，不重复读取"),
    Check("SKIP_SHEET_HIDDEN", "skip_sheet", "a hidden sheet holding the form's header",
          "隐藏的工作表，未读取"),
    Check("SKIP_SHEET_DRAFT", "skip_sheet", "a sheet with the form's header named as a draft, copy or "
          "example (cleaning.draft_sheet_words)", "工作表名称表明为草稿、副本或示例，未读取"),
    # Rows that are not input (counted in quality.json rows_skipped)
    Check("SKIP_BLANK", "skip", "an empty row", "空行"),
    Check("SKIP_NOTE", "skip", "a note, signature or heading line around the table", "表注或说明行"),
    Check("SKIP_TOTAL", "skip", "a 合计/总计/小计 row (区县 reads 合计, or no indicator code)",
          "合计行（台账不取报送的合计数）"),
    Check("SKIP_UNFILLED", "skip", "a pre-filled template row with nothing reported", "模板预填行未填报"),
    # Rows quarantined (the row stays out of the ledger; one line per problem in quarantine.csv)
    Check("CODE_MISSING", "quarantine", "empty 指标编号", "指标编号为空"),
    Check("CODE_UNKNOWN", "quarantine", "an 指标编号 not in the year's catalogue",
          "指标编号不在本年度目标目录中"),
    Check("MONTH_INVALID", "quarantine", "an empty or unreadable 统计月份, or a day that does not exist "
          "(2026-7-32)", "统计月份为空、无法识别或日期不存在"),
    Check("MONTH_OUT_OF_YEAR", "quarantine", "a 统计月份 outside the catalogue's year",
          "统计月份不在目标目录的年度内"),
    Check("DISTRICT_UNKNOWN", "quarantine", "a 区县 that is none of the 38 nor 全市",
          "区县名称无法识别（应为38个区县之一或“全市”）"),
    Check("NUMBER_INVALID", "quarantine", "a figure that is not a number", "数值无法识别"),
    Check("PERCENT_UNEXPECTED", "quarantine", "a '%' figure for an indicator not measured in %",
          "该指标计量单位不是百分比，却填写了百分数"),
    Check("NEGATIVE", "quarantine", "a negative figure", "数值为负数"),
    Check("IMPLAUSIBLE", "quarantine", "a figure above limits.implausible_factor × the annual target",
          "数值超过年度目标的{factor}倍，疑似计量单位错误（如多乘了“万”或多写了位数），请核实"),
    Check("FORMULA_NO_VALUE", "quarantine", "a formula cell without a saved result (a workbook written "
          "by a script)", "单元格为公式但没有保存的计算结果（公式：{formula}），请在 Excel 中打开并保存后重报"),
    Check("NOT_RESPONSIBLE", "quarantine", "a row from a unit that is not the indicator's reporting unit "
          "(cleaning.foreign_unit: quarantine)", "非责任单位报送（填报单位不是目标目录中该指标的报送单位）"),
    # Repairs and warnings (the row is kept; the code goes into its `flags`)
    Check("CODE_REPAIRED", "warn", "an 指标编号 written loosely (ms1-1)", "指标编号格式已规范（如 ms1-1 → MS01-01）"),
    Check("DISTRICT_REPAIRED", "warn", "a 区县 without its suffix or a synonym of 全市",
          "区县名称已规范（如 万州 → 万州区，市级 → 全市）"),
    Check("DISTRICT_DEFAULTED", "warn", "an empty 区县 on a by-district indicator",
          "分区县指标未填区县，按全市处理"),
    Check("MONTH_YEAR_ASSUMED", "warn", "a 统计月份 without a year (3月)", "统计月份未写年份，按目录年度处理"),
    Check("DATE_INVALID", "warn", "an unreadable 填报日期 (kept as missing)", "填报日期无法识别，按未填处理"),
    Check("APPROX", "warn", "an approximate figure (约3000, 3000余, 3000多)",
          "数值为约数（约、余、多、左右），已取数字部分"),
    Check("WAN_CONVERTED", "warn", "a figure in 万/千/亿 or under a header in 万",
          "数值含“万/千/亿”或表头单位为万，已换算为基本单位"),
    Check("CHINESE_NUMERAL", "warn", "a figure in Chinese numerals", "数值为中文数字，已换算"),
    Check("PERCENT_SCALED", "warn", "a fraction (0.55) for a percent indicator",
          "百分比指标填写了小数（如0.55），已按百分数（55）处理"),
    Check("BASELINE_NOT_APPLICABLE", "warn", "上年末基数 reported for a kind that has none",
          "非水平类指标填写了上年末基数（原值保留）"),
    Check("DERIVED", "warn", "累计完成 empty, derived from last month's + 本月完成",
          "累计完成为空，已由上月累计加本月完成推算"),
    Check("NOT_DERIVABLE", "warn", "累计完成 empty and not derivable",
          "累计完成为空，且无法由本月完成推算（缺上月累计，或指标非累加型）"),
    Check("MISMATCH", "warn", "累计 ≠ last month's 累计 + 本月", "累计完成与“上月累计＋本月完成”不符，以累计完成为准"),
    Check("CUMULATIVE_DECREASE", "warn", "a cumulative below an earlier month's (additive kinds)",
          "累计完成低于此前月份，请核实"),
    Check("LIKELY_WAN", "warn", "a figure ~10,000× smaller than the unit's earlier months",
          "数值约为此前月份的万分之一，疑似按“万”为单位填报"),
    Check("BLANK_AFTER_VALUE", "warn", "a row without a figure after a row with one (same indicator × "
          "district): it never replaces the figure", "此前已报数值，本行未填数值，不覆盖已报数值，请核实"),
    Check("FORMULA_VALUE", "warn", "a formula cell: its saved result is used",
          "单元格为公式，已采用其保存的计算结果，请核实"),
    Check("NOT_RESPONSIBLE_KEPT", "warn", "a row from a unit that is not the indicator's reporting unit "
          "(cleaning.foreign_unit: flag)", "非责任单位报送（按设置已采用），请核实"),
    Check("UNIT_FILE_MISMATCH", "warn", "填报单位 names another unit than the file name",
          "填报单位与文件名中的单位不一致，请核实"),
    # Counted
    Check("DUPLICATE", "count", "a row identical to one read before", "重复行（与已读取的行内容相同），只计一次"),
    Check("REVISED", "count", "a later submission for the same indicator × district × month",
          "同一指标、区县、月份的后报数据替代先报数据"),
)
# What the office asks the unit, per check that leaves something to verify (数据核实清单);
# every reject, skip_file, skip_sheet, quarantine and warn code has one (tests/test_checklist).
ASKS: dict[str, str] = {
    "FILE_TYPE": "请按填报模板另存为 xlsx 或 csv 文件后重报",
    "FILE_OUTSIDE_RAW": "请将报送文件本身（而非链接）放入报送文件夹",
    "FILE_TOO_LARGE": "请删除无关工作表和图片后重报",
    "FILE_ENCRYPTED": "请取消文件打开密码后重报",
    "FILE_UNREADABLE": "文件已损坏，请重新导出后重报",
    "FILE_ENCODING": "请以 UTF-8 或 GBK 编码另存后重报",
    "FILE_EMPTY": "文件为空，请重报",
    "FILE_NO_HEADER": "请使用本年度填报模板（保留表头）后重报",
    "FILE_SHEETS_AMBIGUOUS": "请只保留一个月调度表工作表后重报",
    "SKIP_FILE_HIDDEN": "确认该文件无需读取；如为正式报送，请改用正常文件名",
    "SKIP_FILE_LOCK": "无需处理（Office 打开文件时生成的临时文件）",
    "SKIP_FILE_BACKUP": "确认该文件无需读取；如为正式报送，请改用正常文件名",
    "SKIP_FOLDER_LINK": "无需处理（文件夹已在原位置读取）",
    "SKIP_SHEET_HIDDEN": "确认隐藏工作表中的数据无需报送；如需报送，请取消隐藏后重报",
    "SKIP_SHEET_DRAFT": "确认该工作表为草稿；如为正式数据，请更改工作表名称后重报",
    "CODE_MISSING": "请补填指标编号后重报",
    "CODE_UNKNOWN": "请核对指标编号（以本年度填报模板为准）后重报",
    "MONTH_INVALID": "请补填或更正统计月份后重报",
    "MONTH_OUT_OF_YEAR": "请确认统计月份所属年度",
    "DISTRICT_UNKNOWN": "请按38个区县名称或“全市”更正区县后重报",
    "NUMBER_INVALID": "请填写数字后重报",
    "PERCENT_UNEXPECTED": "请按计量单位填写数值，不填百分数",
    "NEGATIVE": "请确认数值，完成数不应为负",
    "IMPLAUSIBLE": "请确认计量单位和数值（是否多乘“万”或多写位数）",
    "FORMULA_NO_VALUE": "请在 Excel 中打开文件、保存后重报",
    "NOT_RESPONSIBLE": "请确认该指标的报送单位；非责任单位的数据请经牵头单位汇总报送",
    "CODE_REPAIRED": "请确认指标编号",
    "DISTRICT_REPAIRED": "请确认区县名称",
    "DISTRICT_DEFAULTED": "请补填区县",
    "MONTH_YEAR_ASSUMED": "请确认统计月份所属年度",
    "DATE_INVALID": "请补填填报日期",
    "APPROX": "请报送准确数",
    "WAN_CONVERTED": "请确认以“万”为单位的换算无误",
    "CHINESE_NUMERAL": "请确认数值，今后以阿拉伯数字填报",
    "PERCENT_SCALED": "请确认百分比数值",
    "BASELINE_NOT_APPLICABLE": "请确认是否需要填报基数",
    "DERIVED": "请补报累计完成数，核对推算结果",
    "NOT_DERIVABLE": "请补报累计完成数",
    "MISMATCH": "请核对本月完成与累计完成",
    "CUMULATIVE_DECREASE": "请说明累计数减少的原因（如验收未通过）",
    "LIKELY_WAN": "请确认是否以“万”为单位填报",
    "BLANK_AFTER_VALUE": "请确认本月数值：已报数值是否仍有效，或补报本月数",
    "FORMULA_VALUE": "请确认公式计算结果无误",
    "NOT_RESPONSIBLE_KEPT": "请确认该指标的报送单位",
    "UNIT_FILE_MISMATCH": "请确认填报单位",
}
REASONS: dict[str, str] = {c.code: c.reason for c in CHECKS}
FILE_REJECTIONS: dict[str, str] = {c.code: c.reason for c in CHECKS if c.action == "reject"}
SKIPPED_FILES: dict[str, str] = {c.code: c.reason for c in CHECKS if c.action == "skip_file"}
SKIPPED_SHEETS: dict[str, str] = {c.code: c.reason for c in CHECKS if c.action == "skip_sheet"}
QUARANTINE_CODES = tuple(c.code for c in CHECKS if c.action == "quarantine")
FLAG_CODES = tuple(c.code for c in CHECKS if c.action == "warn")
# Rows of a submitted table that are not input, in the order the reader classifies them.
SKIP_KINDS = ("blank", "note", "total", "unfilled")
# One line per problem: where it is (file, sheet, row, column), what was there, and why.
QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "raw_value", "reason_code", "reason"]


def ask(codes: list[str] | tuple[str, ...]) -> str:
    """What to ask the unit about a row with these codes, each question once."""
    return "；".join(dict.fromkeys(ASKS.get(c, "请核实") for c in codes))


def reason(code: str, formula: str = "…") -> str:
    """The Chinese reason of a check code, with its limits (and a cell's formula) filled in
    (the code when unknown)."""
    text = REASONS.get(code, code)
    if "{" not in text:
        return text
    return text.format(factor=settings()["limits"]["implausible_factor"], formula=formula)
