"""What every component shares: its YAML contract, and the dataset reader each step carries a copy of."""
import argparse
import inspect
import re

import pandas as pd
import pytest
import yaml

STEPS = (
    "select_columns",
    "clean_missing_data",
    "split_data",
    "train_linear_regression",
    "score_model",
    "evaluate_model",
)
ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/versions/41"
DISPLAY_NAMES = {
    "select_columns": "Select Columns in Dataset",
    "clean_missing_data": "Clean Missing Data",
    "split_data": "Split Data",
    "train_linear_regression": "Train Model (Linear Regression)",
    "score_model": "Score Model",
    "evaluate_model": "Evaluate Model",
}
PORTS = {
    "select_columns": (["dataset", "exclude_columns"], ["results_dataset"]),
    "clean_missing_data": (
        ["dataset", "minimum_missing_value_ratio", "maximum_missing_value_ratio"],
        ["cleaned_dataset"],
    ),
    "split_data": (
        [
            "dataset",
            "fraction_of_rows",
            "randomized_split",
            "random_seed",
            "stratified_split",
            "stratification_key_column",
        ],
        ["results_dataset1", "results_dataset2"],
    ),
    "train_linear_regression": (
        ["dataset", "label_column", "l2_regularization_weight", "include_intercept_term"],
        ["trained_model"],
    ),
    "score_model": (["trained_model", "dataset", "append_score_columns_to_output"], ["scored_dataset"]),
    "evaluate_model": (["scored_dataset", "label_column"], ["evaluation_results"]),
}
DEFAULTS = {
    "select_columns": {"exclude_columns": "normalized-losses"},
    "clean_missing_data": {"minimum_missing_value_ratio": 0.0, "maximum_missing_value_ratio": 1.0},
    "split_data": {"fraction_of_rows": 0.7, "randomized_split": True, "random_seed": 0, "stratified_split": False},
    "train_linear_regression": {
        "label_column": "price",
        "l2_regularization_weight": 0.001,
        "include_intercept_term": True,
    },
    "score_model": {"append_score_columns_to_output": True},
    "evaluate_model": {"label_column": "price"},
}


def component(pipeline_dir, step):
    return yaml.safe_load((pipeline_dir / "components" / step / "component.yaml").read_text())


@pytest.mark.parametrize("step", STEPS)
def test_component_header_is_pinned_and_unversioned(pipeline_dir, step):
    spec = component(pipeline_dir, step)
    assert spec["$schema"] == "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json"
    assert spec["name"] == f"automobile_{step}"
    assert spec["display_name"] == DISPLAY_NAMES[step]
    assert spec["type"] == "command"
    assert spec["code"] == "."
    assert spec["environment"] == ENVIRONMENT
    assert "version" not in spec


@pytest.mark.parametrize("step", STEPS)
def test_component_ports_and_defaults_are_the_designers(pipeline_dir, step):
    spec = component(pipeline_dir, step)
    assert (list(spec["inputs"]), list(spec["outputs"])) == PORTS[step]
    defaults = {name: port["default"] for name, port in spec["inputs"].items() if "default" in port}
    assert defaults == DEFAULTS[step]
    assert all(port["type"] == "uri_folder" for port in spec["outputs"].values())
    for name, port in spec["inputs"].items():
        if port["type"] in ("number", "integer"):
            assert "min" in port, name


@pytest.mark.parametrize("step", STEPS)
def test_command_flags_mirror_port_names(pipeline_dir, step):
    spec = component(pipeline_dir, step)
    command = re.sub(r"\$\[\[(.*?)\]\]", r"\1", spec["command"])
    tokens = command.split()
    assert tokens[:2] == ["python", f"{step}.py"]
    pairs = list(zip(tokens[2::2], tokens[3::2]))
    assert len(tokens) % 2 == 0
    expected = [(f"--{name}", f"${{{{inputs.{name}}}}}") for name in spec["inputs"]]
    expected += [(f"--{name}", f"${{{{outputs.{name}}}}}") for name in spec["outputs"]]
    assert pairs == expected
    assert sorted(path.name for path in (pipeline_dir / "components" / step).iterdir() if path.suffix == ".py") == [
        f"{step}.py"
    ]


def test_every_step_carries_the_same_dataset_reader(steps):
    sources = {step: inspect.getsource(module.read_dataset) for step, module in steps.items()}
    assert set(sources) == set(STEPS)
    assert len(set(sources.values())) == 1


def test_the_steps_with_boolean_flags_carry_the_same_parser(steps):
    with_flags = {
        step: inspect.getsource(module.parse_bool) for step, module in steps.items() if hasattr(module, "parse_bool")
    }
    assert sorted(with_flags) == ["score_model", "split_data", "train_linear_regression"]
    assert len(set(with_flags.values())) == 1


@pytest.mark.parametrize(
    "text, value", [("True", True), ("true", True), ("1", True), ("False", False), ("false", False), ("0", False)]
)
def test_parse_bool_reads_azure_and_yaml_spellings(split_data, text, value):
    assert split_data.parse_bool(text) is value


def test_parse_bool_rejects_anything_else(split_data):
    with pytest.raises(argparse.ArgumentTypeError) as info:
        split_data.parse_bool("maybe")
    assert str(info.value) == "expected true or false, got 'maybe'"


def test_reader_reads_a_file_with_question_marks_as_missing(select_columns, tmp_path):
    (tmp_path / "in.csv").write_text("a,b\n1,?\n?,x\n")
    frame = select_columns.read_dataset(tmp_path / "in.csv", "dataset")
    assert frame.isna().values.tolist() == [[False, True], [True, False]]
    assert frame["a"].tolist()[0] == 1


def test_reader_reads_the_one_csv_of_a_folder(select_columns, tmp_path):
    (tmp_path / "data.csv").write_text("a\n7\n")
    (tmp_path / "notes.txt").write_text("not data")
    assert select_columns.read_dataset(tmp_path, "dataset")["a"].tolist() == [7]


def test_reader_rejects_a_folder_without_exactly_one_csv(select_columns, tmp_path):
    (tmp_path / "one.csv").write_text("a\n1\n")
    (tmp_path / "two.csv").write_text("a\n2\n")
    with pytest.raises(ValueError) as info:
        select_columns.read_dataset(tmp_path, "dataset")
    assert str(info.value) == f"--dataset: expected exactly one .csv file in folder {tmp_path}, found 2"


def test_reader_names_the_argument_of_a_missing_file(select_columns, tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        select_columns.read_dataset(tmp_path / "absent.csv", "scored_dataset")
    assert str(info.value) == f"--scored_dataset: no such file or folder: {tmp_path / 'absent.csv'}"


@pytest.mark.parametrize("text, problem", [("", "is empty"), ("a,b\n", "has no data rows")])
def test_reader_rejects_empty_data(select_columns, tmp_path, text, problem):
    (tmp_path / "in.csv").write_text(text)
    with pytest.raises(ValueError) as info:
        select_columns.read_dataset(tmp_path / "in.csv", "dataset")
    assert str(info.value) == f"--dataset: {tmp_path / 'in.csv'} {problem}"
