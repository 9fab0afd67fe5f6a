"""年考核 classes, by hand."""

import numpy as np
import pandas as pd
from minsheng.rules.assessment import assess, assess_indicators


def _table():
    return pd.DataFrame({
        "indicator_id": ["A", "B", "C", "D", "E"],
        "item_no": [1, 1, 2, 2, 3],
        "responsible_units": ["甲", "甲", "乙、丙", "乙、丙", "丙"],
        "kind": ["increment", "increment", "level", "directional", "increment"],
        "attainment": [1.2, 1.0, 0.9, 1.0, np.nan],
        "reached": [True, True, False, True, False],
    })


def test_indicator_classes():
    got = assess_indicators(_table()).tolist()
    # 120 % exceeded; exactly 100 % met; 90 % missed; directional met; nothing reported missed
    assert got == ["exceeded", "met", "missed", "met", "missed"]


def test_item_and_unit_classes():
    items = assess(_table(), "item_no").set_index("item_no")
    assert items.loc[1, "assessment"] == "met"          # one of two exceeded: not more than half
    assert items.loc[2, "assessment"] == "missed"
    assert items.loc[3, "assessment"] == "missed"
    units = assess(_table(), "responsible_units").set_index("unit")
    assert units.loc["丙", "n_indicators"] == 3 and units.loc["丙", "n_missed"] == 2
    assert units.loc["甲", "assessment"] == "met"


def test_margin_raises_the_bar():
    assert assess_indicators(_table(), margin=0.25).tolist()[0] == "met"
