import math

import numpy as np
import pandas as pd
import pytest


def rows(n):
    return pd.DataFrame({"id": range(n), "group": ["x" if i < 4 else "y" for i in range(n)]})


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_fraction_must_be_strictly_between_0_and_1(split_data, fraction):
    with pytest.raises(ValueError) as info:
        split_data.split_rows(rows(10), fraction, True, 0)
    assert str(info.value) == f"--fraction_of_rows: must be greater than 0 and less than 1, got {fraction}"


def test_not_randomized_takes_the_first_rows(split_data):
    first, second = split_data.split_rows(rows(10), 0.7, False, 0)
    assert (first["id"].tolist(), second["id"].tolist()) == ([0, 1, 2, 3, 4, 5, 6], [7, 8, 9])


def test_randomized_picks_a_numpy_randomstate_permutation_and_keeps_row_order(split_data):
    first, second = split_data.split_rows(rows(10), 0.7, True, 0)
    picked = sorted(np.random.RandomState(0).permutation(10)[:7].tolist())
    assert first["id"].tolist() == picked
    assert second["id"].tolist() == sorted(set(range(10)) - set(picked))


def test_the_seed_decides_the_split(split_data):
    same = [split_data.split_rows(rows(20), 0.5, True, 7)[0]["id"].tolist() for _ in range(2)]
    other = split_data.split_rows(rows(20), 0.5, True, 8)[0]["id"].tolist()
    assert same[0] == same[1]
    assert other != same[0]


@pytest.mark.parametrize("n, fraction, expected", [(193, 0.7, 135), (5, 0.5, 3), (4, 0.5, 2), (3, 0.1, 0)])
def test_first_output_gets_the_rounded_share(split_data, n, fraction, expected):
    first, second = split_data.split_rows(rows(n), fraction, True, 0)
    assert (len(first), len(second)) == (expected, n - expected)


def test_stratified_split_takes_the_fraction_of_each_stratum(split_data):
    first, _ = split_data.split_rows(rows(10), 0.5, True, 0, "group")
    assert first["group"].value_counts().to_dict() == {"x": 2, "y": 3}


def test_stratified_split_names_an_unknown_key_column(split_data):
    with pytest.raises(ValueError) as info:
        split_data.split_rows(rows(10), 0.5, True, 0, "colour")
    assert (
        str(info.value) == "--stratification_key_column: column 'colour' not in the dataset (columns: ['id', 'group'])"
    )


def main_args(tmp_path, **overrides):
    (tmp_path / "in.csv").write_text("id\n" + "".join(f"{i}\n" for i in range(10)))
    args = {
        "dataset": str(tmp_path / "in.csv"),
        "fraction_of_rows": "0.7",
        "randomized_split": "False",
        "random_seed": "0",
        "stratified_split": "False",
        "results_dataset1": str(tmp_path / "a"),
        "results_dataset2": str(tmp_path / "b"),
    }
    args.update(overrides)
    return [part for name, value in args.items() for part in (f"--{name}", value)]


def test_main_writes_both_outputs(split_data, tmp_path):
    assert split_data.main(main_args(tmp_path)) == 0
    assert (tmp_path / "a" / "data.csv").read_text() == "id\n0\n1\n2\n3\n4\n5\n6\n"
    assert (tmp_path / "b" / "data.csv").read_text() == "id\n7\n8\n9\n"


def test_main_needs_a_key_column_for_a_stratified_split(split_data, tmp_path):
    with pytest.raises(ValueError) as info:
        split_data.main(main_args(tmp_path, stratified_split="True"))
    assert str(info.value) == "--stratified_split is true but --stratification_key_column is not given"


def test_main_rejects_a_seed_numpy_cannot_take(split_data, tmp_path):
    with pytest.raises(ValueError) as info:
        split_data.main(main_args(tmp_path, random_seed="-1"))
    assert str(info.value) == "--random_seed: must be between 0 and 4294967295, got -1"


def test_main_rejects_a_boolean_it_cannot_read(split_data, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        split_data.main(main_args(tmp_path, randomized_split="maybe"))
    assert info.value.code == 2
    assert "argument --randomized_split: expected true or false, got 'maybe'" in capsys.readouterr().err
