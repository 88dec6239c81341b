import math

import pandas as pd
import pytest


@pytest.fixture
def frame():
    # a: 2 of 4 missing (0.5); b: 1 of 4 missing (0.25); c: none
    return pd.DataFrame({"a": [1, None, 3, None], "b": [1, 2, None, 4], "c": [1, 2, 3, 4]})


def test_full_ratio_window_removes_every_row_with_a_missing_value(clean_missing_data, frame):
    assert clean_missing_data.remove_rows_with_missing(frame, 0.0, 1.0)["c"].tolist() == [1]


def test_only_columns_whose_missing_ratio_is_in_the_window_are_cleaned(clean_missing_data, frame):
    assert clean_missing_data.remove_rows_with_missing(frame, 0.3, 1.0)["c"].tolist() == [1, 3]
    assert clean_missing_data.remove_rows_with_missing(frame, 0.0, 0.3)["c"].tolist() == [1, 2, 4]


@pytest.mark.parametrize(
    "minimum, maximum, message",
    [
        (-0.1, 1.0, "--minimum_missing_value_ratio: must be between 0.0 and 1.0, got -0.1"),
        (0.0, 1.5, "--maximum_missing_value_ratio: must be between 0.0 and 1.0, got 1.5"),
        (0.0, math.nan, "--maximum_missing_value_ratio: must be between 0.0 and 1.0, got nan"),
        (0.6, 0.4, "--minimum_missing_value_ratio (0.6) is greater than --maximum_missing_value_ratio (0.4)"),
    ],
)
def test_rejects_a_bad_ratio_window(clean_missing_data, frame, minimum, maximum, message):
    with pytest.raises(ValueError) as info:
        clean_missing_data.remove_rows_with_missing(frame, minimum, maximum)
    assert str(info.value) == message


def test_main_reads_question_marks_as_missing(clean_missing_data, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.csv").write_text("x,y\n1,a\n?,b\n3,?\n4,d\n")
    args = [
        "--dataset",
        str(tmp_path / "in"),
        "--minimum_missing_value_ratio",
        "0.0",
        "--maximum_missing_value_ratio",
        "1.0",
    ]
    assert clean_missing_data.main(args + ["--cleaned_dataset", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "data.csv").read_text() == "x,y\n1.0,a\n4.0,d\n"
