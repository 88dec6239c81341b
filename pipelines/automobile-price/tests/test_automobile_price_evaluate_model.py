import json
import sys
import types

import pandas as pd
import pytest

# label 1..4, one prediction off by 1: errors [0, 0, 0, -1], deviations from the mean 2.5 [-1.5, -0.5, 0.5, 1.5]
EXPECTED = {
    "mean_absolute_error": 0.25,
    "root_mean_squared_error": 0.5,
    "relative_squared_error": 0.2,
    "relative_absolute_error": 0.25,
    "coefficient_of_determination": 0.8,
}


@pytest.fixture
def scored():
    return pd.DataFrame({"price": [1.0, 2.0, 3.0, 4.0], "Scored Labels": [1.0, 2.0, 3.0, 5.0]})


def test_computes_the_designers_five_regression_metrics(evaluate_model, scored):
    metrics = evaluate_model.regression_metrics(scored, "price")
    assert list(metrics) == list(EXPECTED)
    assert metrics == pytest.approx(EXPECTED)


@pytest.mark.parametrize(
    "drop, label, message",
    [
        (None, "cost", "--label_column: column 'cost' not in the scored dataset (columns: ['price', 'Scored Labels'])"),
        (
            "Scored Labels",
            "price",
            "--scored_dataset: column 'Scored Labels' not in the scored dataset (columns: ['price'])",
        ),
    ],
)
def test_names_a_missing_column(evaluate_model, scored, drop, label, message):
    with pytest.raises(ValueError) as info:
        evaluate_model.regression_metrics(scored.drop(columns=[drop] if drop else []), label)
    assert str(info.value) == message


def test_rejects_a_non_numeric_label(evaluate_model, scored):
    scored["price"] = ["1", "2", "3", "x"]
    with pytest.raises(ValueError) as info:
        evaluate_model.regression_metrics(scored, "price")
    assert str(info.value) == "--label_column: column 'price' must be numeric, found object"


def test_rejects_missing_labels(evaluate_model, scored):
    scored.loc[0, "price"] = None
    with pytest.raises(ValueError) as info:
        evaluate_model.regression_metrics(scored, "price")
    assert str(info.value) == "--label_column: column 'price' has 1 missing values"


def test_rejects_a_constant_label(evaluate_model, scored):
    scored["price"] = 2.0
    with pytest.raises(ValueError) as info:
        evaluate_model.regression_metrics(scored, "price")
    assert str(info.value) == "--label_column: column 'price' is constant; relative errors are undefined"


def test_logs_to_mlflow_when_it_can_be_imported(evaluate_model, monkeypatch):
    logged = []
    monkeypatch.setitem(sys.modules, "mlflow", types.SimpleNamespace(log_metrics=logged.append))
    assert evaluate_model.log_to_mlflow(EXPECTED) is True
    assert logged == [EXPECTED]


def test_skips_mlflow_silently_when_it_cannot_be_imported(evaluate_model, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # makes `import mlflow` raise ImportError
    assert evaluate_model.log_to_mlflow(EXPECTED) is False


def test_main_writes_metrics_json(evaluate_model, scored, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    (tmp_path / "scored").mkdir()
    scored.to_csv(tmp_path / "scored" / "data.csv", index=False)
    args = [
        "--scored_dataset",
        str(tmp_path / "scored"),
        "--label_column",
        "price",
        "--evaluation_results",
        str(tmp_path / "e"),
    ]
    assert evaluate_model.main(args) == 0
    assert json.loads((tmp_path / "e" / "metrics.json").read_text()) == pytest.approx(EXPECTED)
    assert capsys.readouterr().out.splitlines()[-1] == "evaluate_model: mlflow not installed, not logged"
