import pandas as pd
import pytest


def test_keeps_every_column_but_the_excluded_ones_in_order(select_columns):
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3], "d": [4]})
    assert list(select_columns.select_columns(frame, "b, d").columns) == ["a", "c"]


def test_names_the_unknown_column(select_columns):
    frame = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(ValueError) as info:
        select_columns.select_columns(frame, "a,x")
    assert str(info.value) == "--exclude_columns: column(s) ['x'] not in the dataset (columns: ['a', 'b'])"


def test_refuses_to_exclude_every_column(select_columns):
    with pytest.raises(ValueError) as info:
        select_columns.select_columns(pd.DataFrame({"a": [1]}), "a")
    assert str(info.value) == "--exclude_columns: 'a' excludes every column of the dataset"


def test_main_writes_data_csv_with_missing_values_empty(select_columns, tmp_path):
    (tmp_path / "raw.csv").write_text("x,normalized-losses,y\n1,?,a\n2,5,?\n")
    code = select_columns.main(
        [
            "--dataset",
            str(tmp_path / "raw.csv"),
            "--exclude_columns",
            "normalized-losses",
            "--results_dataset",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    assert (tmp_path / "out" / "data.csv").read_text() == "x,y\n1,a\n2,\n"
