"""Executed notebooks as published: papermill's volatile parts removed, the run's temporary
folders named as the publication knows them, however the notebook spells them."""

import nbformat
from minsheng.run.notebooks import INJECTED, strip_volatile
from nbformat.v4 import new_code_cell, new_notebook, new_output


def test_a_temporary_folder_with_a_district_name_is_renamed_in_every_spelling(tmp_path):
    tmp = "reports/2026Q3/districts/_tmp-万州区-4242/out"
    # papermill writes string parameters unicode-escaped: "\u4e07\u5dde\u533a"
    injected = new_code_cell('# Parameters\nout_dir = "reports/2026Q3/districts/_tmp-'
                             '\\u4e07\\u5dde\\u533a-4242/out"\n',
                             metadata={"tags": [INJECTED], "papermill": {"duration": 0.1}})
    printed = new_code_cell("print(out_dir)", outputs=[
        new_output("stream", name="stdout", text=f"已写出 {tmp}/bulletin.pdf\n")])
    path = tmp_path / "executed.ipynb"
    nbformat.write(new_notebook(cells=[injected, printed], metadata={"papermill": {}}), path)

    strip_volatile(path, {tmp: "."})

    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source == '# Parameters\nout_dir = "."\n'
    assert nb.cells[0].id == INJECTED and "papermill" not in nb.cells[0].metadata
    assert nb.cells[1].outputs[0].text == "已写出 ./bulletin.pdf\n"
    assert "papermill" not in nb.metadata
