"""Codes become words through one lookup per group: a status is never printed as a projection."""

import pandas as pd
from minsheng.report import tables
from minsheng.report.labels import label, labels


def test_groups_keep_their_own_words():
    # Each group is looked up on its own: a status word is never a projection word.
    assert label("status", "slightly_behind") == "略低于序时进度"
    assert label("projection", "on_track") == "可按期完成"
    assert set(labels("status").values()).isdisjoint(labels("projection").values())


def test_notebook_table_prints_the_status_word():
    # The notebooks' indicator table once merged the groups and showed 可按期完成 as a status.
    table = pd.DataFrame({"indicator_id": ["MS01-01"], "indicator": ["电梯"], "status": ["slightly_behind"],
                          "projection": ["close"], "attainment": [0.7], "expected": [0.75],
                          "gap_points": [-5.0]})
    shown = tables.indicators(table)
    assert shown.loc[0, "进度状态"] == "略低于序时进度"
    assert shown.loc[0, "年底预测"] == labels("projection")["close"]


def test_unknown_code_prints_as_itself():
    assert label("status", "new_code") == "new_code"
