"""Codes become words through one lookup per group: a status is never printed as a projection."""

import pandas as pd
from minsheng.report import tables
from minsheng.report.labels import label, labels


def test_groups_share_codes_but_not_words():
    # "on_track" is both a status and a projection class: each group keeps its own word.
    assert label("status", "on_track") == "符合序时进度"
    assert label("projection", "on_track") == "可按期完成"


def test_notebook_table_prints_the_status_word():
    # The notebooks' indicator table once merged the groups and showed 可按期完成 as a status.
    table = pd.DataFrame({"indicator_id": ["MS01-01"], "indicator": ["电梯"], "status": ["on_track"],
                          "projection": ["close"], "attainment": [0.7], "expected": [0.75],
                          "gap_points": [-5.0]})
    shown = tables.indicators(table)
    assert shown.loc[0, "进度状态"] == "符合序时进度"
    assert shown.loc[0, "年底预测"] == labels("projection")["close"]


def test_unknown_code_prints_as_itself():
    assert label("status", "new_code") == "new_code"
