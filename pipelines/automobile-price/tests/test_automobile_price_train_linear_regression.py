import json

import joblib
import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def frame():
    # price = 3 * size + 10 when colour is "b" + 5, exactly
    size = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    colour = ["a", "b", "a", "b", "a", "b", "b", "a"]
    price = [3 * s + (10 if c == "b" else 0) + 5 for s, c in zip(size, colour)]
    return pd.DataFrame({"size": size, "colour": colour, "price": price})


def test_fits_a_linear_relation_with_one_hot_categories(train_linear_regression, frame):
    model, _ = train_linear_regression.train(frame, "price", 0.001, True)
    features = frame.drop(columns=["price"])
    np.testing.assert_allclose(model.predict(features), frame["price"], atol=0.01)


def test_the_estimator_is_ridge_with_the_designer_settings(train_linear_regression, frame):
    model, _ = train_linear_regression.train(frame, "price", 0.001, False)
    regress = model.named_steps["regress"]
    assert (type(regress).__name__, regress.alpha, regress.fit_intercept, regress.intercept_) == (
        "Ridge",
        0.001,
        False,
        0.0,
    )
    assert model.named_steps["encode"].transformers_[0][1].handle_unknown == "ignore"


def test_describes_its_features(train_linear_regression, frame):
    _, description = train_linear_regression.train(frame, "price", 0.001, True)
    assert {key: value for key, value in description.items() if key != "sklearn_version"} == {
        "label_column": "price",
        "features": ["size", "colour"],
        "numeric_features": ["size"],
        "categorical_features": ["colour"],
        "estimator": "sklearn.linear_model.Ridge",
        "l2_regularization_weight": 0.001,
        "include_intercept_term": True,
        "training_rows": 8,
    }


def test_names_a_missing_label_column(train_linear_regression, frame):
    with pytest.raises(ValueError) as info:
        train_linear_regression.train(frame, "cost", 0.001, True)
    assert str(info.value) == "--label_column: column 'cost' not in the dataset (columns: ['size', 'colour', 'price'])"


def test_rejects_a_non_numeric_label(train_linear_regression, frame):
    with pytest.raises(ValueError) as info:
        train_linear_regression.train(frame, "colour", 0.001, True)
    assert str(info.value) == "--label_column: column 'colour' must be numeric, found object (e.g. 'a')"


def test_rejects_missing_values(train_linear_regression, frame):
    frame.loc[2, "size"] = None
    with pytest.raises(ValueError) as info:
        train_linear_regression.train(frame, "price", 0.001, True)
    assert str(info.value) == "--dataset: missing values in column(s) ['size']; clean them first"


def test_rejects_a_negative_l2_weight(train_linear_regression, frame):
    with pytest.raises(ValueError) as info:
        train_linear_regression.train(frame, "price", -1.0, True)
    assert str(info.value) == "--l2_regularization_weight: must be 0 or more, got -1.0"


def test_main_writes_the_model_and_its_description(train_linear_regression, frame, tmp_path):
    frame.to_csv(tmp_path / "train.csv", index=False)
    args = ["--dataset", str(tmp_path / "train.csv"), "--label_column", "price", "--l2_regularization_weight", "0.001"]
    assert (
        train_linear_regression.main(
            args + ["--include_intercept_term", "True", "--trained_model", str(tmp_path / "m")]
        )
        == 0
    )
    assert sorted(path.name for path in (tmp_path / "m").iterdir()) == ["features.json", "model.joblib"]
    assert json.loads((tmp_path / "m" / "features.json").read_text())["features"] == ["size", "colour"]
    model = joblib.load(tmp_path / "m" / "model.joblib")
    assert model.predict(pd.DataFrame({"size": [10.0], "colour": ["b"]}))[0] == pytest.approx(45.0, abs=0.01)
