"""A specimen 通报 (样张) holding every element of the document model, with made-up figures:
the layout's reference for the docs pictures (`make docs-pictures`) and the exports' tests.

    python -m minsheng.report.export.specimen OUT_DIR [--draft]   writes 样张.{html,pdf,docx}
"""

from __future__ import annotations

import argparse
from datetime import date
from functools import cache
from pathlib import Path

from minsheng.catalogue.districts import CITYWIDE, official
from minsheng.report.document import (
    Attachment,
    Chart,
    Document,
    Items,
    Paragraph,
    Section,
    Table,
)

STATUSES = ("completed", "on_schedule", "slightly_behind", "lagging", "severely_lagging", "no_data")
STATUS_WORDS = dict(zip(STATUSES, ("已完成", "达到序时进度", "略低于序时进度", "滞后", "严重滞后", "未报送"),
                        strict=True))
ITEMS = ("城市居住品质提升", "老年助餐服务", "托育服务扩容", "义务教育优质均衡", "基层医疗服务能力提升",
         "电信网络诈骗防范", "农村供水保障", "5G网络覆盖提升")


@cache
def chart_png() -> bytes:
    """A status chart as the bulletin draws one (Chinese labels, palette colours)."""
    from matplotlib.figure import Figure

    from minsheng.report import fonts
    from minsheng.report.charts import EDGE, palette, to_png

    fonts.use_chinese_font()
    fig = Figure(figsize=(6.1, 3.6), layout="constrained")
    ax = fig.add_subplot()
    counts = ((3, 2, 1, 1, 0, 0), (1, 3, 0, 1, 1, 0), (2, 1, 1, 0, 0, 1), (4, 1, 0, 0, 0, 0),
              (0, 2, 2, 1, 0, 0), (1, 1, 0, 2, 1, 0), (2, 2, 0, 0, 0, 0), (1, 2, 1, 0, 1, 0))
    for i, row in enumerate(counts):
        left = 0
        for s, n in zip(STATUSES, row, strict=True):
            if n:
                p = palette()[s]
                ax.barh(i, n, left=left, color=p["color"], hatch=p["hatch"], edgecolor=EDGE,
                        linewidth=0.6, label=p["label"] if i == 0 or s == "no_data" else None)
                left += n
    ax.set_yticks(range(len(ITEMS)), [f"{k}. {t}" for k, t in enumerate(ITEMS, 1)], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("指标数（项）")
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    fig.legend(seen.values(), seen.keys(), loc="outside lower center", ncols=6, fontsize=7,
               frameon=False)
    return to_png(fig)


def _district_table() -> Table:
    rows, statuses = [], []
    districts = official()
    for k, d in enumerate(districts, 1):
        s = STATUSES[k % 5]
        att = 60 + (k * 7) % 41
        rows.append((str(k), d, f"{att}.0%", "75.0%", f"{att - 75:+.1f}", STATUS_WORDS[s]))
        statuses.append(s)
    rows.append(("合计", CITYWIDE, "78.4%", "75.0%", "+3.4", ""))
    statuses.append("")
    return Table(("排名", "区县", "平均完成率", "序时进度", "差距（百分点）", "状态"), tuple(rows),
                 caption="表2 各区县分解指标平均完成情况", keys=(*districts, CITYWIDE),
                 statuses=tuple(statuses), status_column=5, numeric=(0, 2, 3, 4),
                 role="district_rank")


def _items_table() -> Table:
    rows = tuple((str(k), t, f"{4 + k % 3}", f"{k % 4}", f"{(50 + 6 * k) % 100}.0%")
                 for k, t in enumerate(ITEMS, 1)) + (("合计", "", "37", "12", "68.2%"),)
    return Table(("序号", "民生实事", "指标数", "已完成", "平均完成率"), rows,
                 caption="表1 各项民生实事指标完成情况", numeric=(0, 2, 3, 4), role="items")


_LIST_COLUMNS = ("序号", "指标", "所属实事", "牵头单位", "年度目标", "完成值", "完成率", "序时进度",
                 "差距（百分点）", "状态")


def _behind_table() -> Table:
    rows, statuses = [], []
    names = ("老旧小区改造", "老旧电梯更新改造", "社区老年食堂建设", "普惠托位新增", "5G基站新建",
             "农村供水工程改造", "PM2.5监测站点建设", "城乡公交一体化", "案均损失金额同比下降")
    units = ("市住房城乡建设委", "市住房城乡建设委", "市民政局", "市卫生健康委", "市通信管理局",
             "市水利局", "市生态环境局", "市交通运输委", "市公安局")
    for k in range(1, 31):
        s = ("slightly_behind", "lagging", "severely_lagging")[k % 3]
        n = names[k % len(names)]
        rows.append((str(k), f"{n}（MS{k % 15 + 1:02d}-0{k % 4 + 1}）", ITEMS[k % len(ITEMS)],
                     units[k % len(units)], f"{600 + 10 * k}个", f"{300 + 7 * k}个",
                     f"{40 + k}.0%", "75.0%", f"{k - 35:+.1f}", STATUS_WORDS[s]))
        statuses.append(s)
    return Table(_LIST_COLUMNS, tuple(rows), keys=tuple(f"K{k}" for k in range(30)),
                 statuses=tuple(statuses), status_column=9, numeric=(0, 6, 7, 8),
                 role="attachment_behind")


def _progress_table() -> Table:
    rows = []
    for k, item in enumerate(ITEMS, 1):
        for j in range(3):
            rows.append((str(k) if j == 0 else "", item if j == 0 else "",
                         f"指标{j + 1}：完成年度目标{100 * (j + 2)}个",
                         "市住房城乡建设委（牵头）、市城市管理局" if j == 0 else "",
                         f"截至9月底已完成{50 * (j + 1)}个，其中万州区、涪陵区：已完成年度任务；"
                         f"渝北区：施工图审查完成，进入招标阶段（第{j + 1}批次）",
                         f"{50 * (j + 1)}个", f"{25 * (j + 1)}.0%", "力争目标" if j == 2 else ""))
    return Table(("序号", "项目名称", "年度目标任务", "责任单位", "进展情况", "完成值", "完成率", "备注"),
                 tuple(rows), numeric=(0, 6), role="attachment_progress")


def specimen(draft: bool = False) -> Document:
    """The specimen (样张): every block kind, long tables ending in 合计, two landscape
    attachments and a portrait one, Chinese and ASCII mixed."""
    lead = Section("lead", "", (Paragraph(
        "按照“月调度、季通报、年考核”工作机制，现将2026年第三季度重点民生实事推进情况通报如下。",
        role="lead"),), level=0)
    overview = Section("overview", "一、总体情况", (
        Paragraph("2026年重点民生实事共15件、61项指标。截至9月底，已完成全年目标的指标18项，"
                  "达到序时进度的指标21项，低于序时进度的指标17项，未报送数值的指标5项；"
                  "已报送数值的56项指标平均完成率为78.4%，高于序时进度3.4个百分点。", role="overall"),
        Chart("status", "图1 各项民生实事指标进度状态", "各项民生实事按进度状态统计的指标数",
              chart_png(), width_cm=15.0),
        Paragraph("从各项民生实事看，城市居住品质提升、义务教育优质均衡等5件实事的指标全部达到序时进度；"
                  "老年助餐服务、电信网络诈骗防范等3件实事有指标严重滞后。"),
        _items_table(),
        Paragraph("注：完成率为完成值与年度目标之比，序时进度按月线性计算（9月底为75%）。", style="note"),
    ))
    progress = Section("progress", "二、主要进展", subsections=(
        Section("progress-1", "（一）城市居住品质持续提升", (
            Paragraph("完成老旧小区改造486个，完成率81.0%；更新改造老旧电梯1732部（5G智能监测终端同步安装），"
                      "完成率69.3%。"),), level=2),
        Section("progress-2", "（二）一老一小服务加快扩容", subsections=(
            Section("progress-2-1", "1. 老年助餐服务", (
                Paragraph("新建社区老年食堂（助餐点）312个，覆盖全部38个区县。"),
                Items(("主城都市区新增助餐点186个；", "渝东北三峡库区城镇群新增助餐点84个；",
                       "渝东南武陵山区城镇群新增助餐点42个。")),), level=3),
            Section("progress-2-2", "2. 托育服务", (
                Paragraph("新增普惠托位1.2万个，托育服务点覆盖率达到52.6%。"),), level=3),
        ), level=2),
    ))
    problems = Section("problems", "三、存在问题", (
        Paragraph("17项指标低于序时进度，其中严重滞后4项：", role="lagging_count"),
        Items(("社区老年食堂建设（市民政局），完成率38.0%，低于序时进度37.0个百分点；",
               "5G基站新建（市通信管理局），完成率41.5%，低于序时进度33.5个百分点；",
               "农村供水工程改造（市水利局），完成率42.0%，低于序时进度33.0个百分点；",
               "PM2.5监测站点建设（市生态环境局），完成率44.0%，低于序时进度31.0个百分点。"),
              role="severely_lagging"),
    ))
    districts = Section("districts", "四、区县情况", (
        Paragraph("按分解到区县的指标平均完成率排序，渝北区、九龙坡区、万州区位居前列；"
                  "城口县、巫溪县、酉阳土家族苗族自治县排名靠后。", role="district_summary"),
        _district_table(),
    ))
    next_steps = Section("next-steps", "五、下一步工作要求", subsections=(
        Section("next-1", "（一）加快滞后指标推进", (Paragraph(
            "各牵头单位要对照年度目标和序时进度，逐项分析滞后原因，明确赶进度措施和完成时限；"
            "严重滞后的指标要建立清单、挂图作战，确保年底前完成全年任务。"),), level=2),
        Section("next-2", "（二）提高数据报送质量", (Paragraph(
            "各填报单位要按时报送月度数据，做到数据真实准确、进展情况与数据相符。"),), level=2),
    ))
    attachments = (
        Attachment(1, "behind", "滞后指标清单", (
            _behind_table(),
            Paragraph("注：低于序时进度含略低于序时进度、滞后和严重滞后；差距为完成率减序时进度。",
                      style="note")), landscape=True),
        Attachment(2, "progress", "进展情况表", (_progress_table(),), landscape=True),
        Attachment(3, "units", "各责任单位报送情况", (Table(
            ("序号", "责任单位", "应报月数", "按时", "逾期", "未报送"),
            tuple((str(k), u, "9", str(9 - k % 3), str(k % 2), str(k % 3 - k % 2 if k % 3 > k % 2 else 0))
                  for k, u in enumerate(("市住房城乡建设委", "市民政局", "市卫生健康委", "市教委",
                                         "市公安局", "市水利局", "市通信管理局"), 1)),
            caption="各责任单位报送情况", numeric=(0, 2, 3, 4, 5)),)),
    )
    return Document(title="重庆市2026年重点民生实事第三季度推进情况通报",
                    issuer="重庆市人民政府办公厅", issued_on=date(2026, 10, 15),
                    recipients="各区县（自治县）人民政府，市政府各部门，有关单位：",
                    data_note="数据截至2026年9月底",
                    sections=(lead, overview, progress, problems, districts, next_steps),
                    attachments=attachments, draft=draft)


def write_all(doc: Document, out: Path, stem: str = "样张") -> list[Path]:
    from minsheng.report.export.docx import write_docx
    from minsheng.report.export.pdf import write_pdf
    from minsheng.report.export.webpage import write_html

    out.mkdir(parents=True, exist_ok=True)
    return [write_html(doc, out / f"{stem}.html"), write_pdf(doc, out / f"{stem}.pdf"),
            write_docx(doc, out / f"{stem}.docx")]


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="写出样张（HTML、PDF、DOCX） / write the specimen")
    parser.add_argument("out", type=Path)
    parser.add_argument("--draft", action="store_true", help="征求意见稿")
    args = parser.parse_args(argv)
    for path in write_all(specimen(args.draft), args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(_cli())
