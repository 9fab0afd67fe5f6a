"""Shared fixtures: a tiny catalogue in the real YAML format, independent of data/targets.

`tiny_catalogue` has one indicator of every kind, two reporting units per kind of reporting,
and both by-district and city-wide indicators:

| id      | kind          | target | unit | by_district | reporting unit |
|---------|---------------|--------|------|-------------|----------------|
| MS01-01 | increment     | 600    | 个   | yes         | 市住房城乡建设委 |
| MS01-02 | increment     | 2500   | 部   | no          | 市住房城乡建设委 |
| MS02-01 | level         | 55     | %    | no (base 40)| 市卫生健康委    |
| MS02-02 | daily_average | 27000  | 人次 | no          | 市卫生健康委    |
| MS03-01 | coverage      | 38     | 个区县 | yes       | 市教委         |
| MS03-02 | deliverable   | 3      | 项   | no          | 市教委         |
| MS04-01 | directional   | 0      | %    | no          | 市公安局       |
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from minsheng.catalogue import Catalogue, load_catalogue
from minsheng.contracts.checks import SKIP_KINDS
from minsheng.contracts.quality import QualityReport

TINY_YEAR = 2026

TINY_CATALOGUE: dict = {
    "year": TINY_YEAR,
    "title": f"重庆市{TINY_YEAR}年重点民生实事工作目标任务",
    "notice": "测试用通知",
    "items": [
        {
            "item_no": 1, "item_name": "城市居住品质提升",
            "responsible_units": ["市住房城乡建设委", "市城市管理局"],
            "indicators": [
                {"id": "MS01-01", "indicator": "老旧小区改造", "target_value": 600, "unit": "个",
                 "kind": "increment", "by_district": True, "source": "完成老旧小区改造600个"},
                {"id": "MS01-02", "indicator": "老旧电梯更新改造", "target_value": 2500, "unit": "部",
                 "kind": "increment", "source": "更新改造电梯2500部"},
            ],
        },
        {
            "item_no": 2, "item_name": "妇女儿童友好关爱服务",
            "responsible_units": ["市卫生健康委", "市妇联"],
            "indicators": [
                {"id": "MS02-01", "indicator": "托育服务点覆盖率", "target_value": 55, "unit": "%",
                 "kind": "level", "baseline": 40, "source": "覆盖率达到55%"},
                {"id": "MS02-02", "indicator": "日均预警劝阻", "target_value": 27000, "unit": "人次",
                 "kind": "daily_average", "source": "日均不低于2.7万人次"},
            ],
        },
        {
            "item_no": 3, "item_name": "关爱青少年心理健康",
            "responsible_units": ["市教委"],
            "indicators": [
                {"id": "MS03-01", "indicator": "项目点区县覆盖", "target_value": 38, "unit": "个区县",
                 "kind": "coverage", "by_district": True, "source": "各区县全覆盖"},
                {"id": "MS03-02", "indicator": "平台建成", "target_value": 3, "unit": "项",
                 "kind": "deliverable", "milestones": ["方案设计", "开发建设", "上线运行"],
                 "source": "建成平台"},
            ],
        },
        {
            "item_no": 4, "item_name": "筑牢全民反诈防线",
            "responsible_units": ["市公安局"],
            "indicators": [
                {"id": "MS04-01", "indicator": "案均损失金额同比变动", "target_value": 0, "unit": "%",
                 "kind": "directional", "comparator": "<", "source": "案均损失金额同比下降"},
            ],
        },
    ],
}


def write_catalogue(path: Path, doc: dict | None = None) -> Path:
    path.write_text(yaml.safe_dump(doc or TINY_CATALOGUE, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@pytest.fixture
def tiny_catalogue_path(tmp_path: Path) -> Path:
    """The tiny catalogue written as YAML (for CLI tests: `--catalogue PATH`)."""
    return write_catalogue(tmp_path / f"{TINY_YEAR}.yaml")


@pytest.fixture
def tiny_catalogue(tiny_catalogue_path: Path) -> Catalogue:
    """The tiny catalogue loaded with `load_catalogue(path=...)`."""
    return load_catalogue(path=tiny_catalogue_path)


def quality_report(**fields) -> QualityReport:
    """A valid quality report with every count 0, overridden by `fields`."""
    base = dict(year=TINY_YEAR, catalogue=f"{TINY_YEAR}.yaml", rows_in=0, rows_clean=0,
                rows_quarantined=0, rows_duplicate=0, rows_skipped=dict.fromkeys(SKIP_KINDS, 0),
                ledger_rows=0, revisions_applied=0, files_read=0, files_rejected=[],
                quarantine_by_code={}, warnings={}, files=[],
                submissions={"due_day": 5, "months": [], "summary": {}, "by_unit": []})
    return QualityReport.model_validate({**base, **fields})
