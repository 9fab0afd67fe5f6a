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
    # 120 % exceeded; exactly 100 % met; 90 % missed; directional met; no figure: 未报送,
    # never 未完成 (a report not made is not a target missed)
    assert got == ["exceeded", "met", "missed", "met", "no_data"]


def test_item_and_unit_classes():
    items = assess(_table(), "item_no").set_index("item_no")
    assert items.loc[1, "assessment"] == "met"          # one of two exceeded: not more than half
    assert items.loc[2, "assessment"] == "missed"
    assert items.loc[3, "assessment"] == "no_data"       # its only indicator has no figure
    units = assess(_table(), "responsible_units").set_index("unit")
    # 丙: C missed, D met, E unreported → missed (a miss outweighs a missing report)
    assert units.loc["丙", "n_indicators"] == 3 and units.loc["丙", "n_missed"] == 1
    assert units.loc["丙", "n_no_data"] == 1 and units.loc["丙", "assessment"] == "missed"
    assert units.loc["甲", "assessment"] == "met"


def test_an_unreported_indicator_keeps_its_group_from_being_met():
    t = _table().iloc[[0, 1, 4]].assign(item_no=[1, 1, 1], responsible_units="甲")
    assert assess(t, "item_no").set_index("item_no").loc[1, "assessment"] == "no_data"


def test_margin_raises_the_bar():
    assert assess_indicators(_table(), margin=0.25).tolist()[0] == "met"
