import joblib
import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def trained(train_linear_regression, tmp_path):
    # price = 3 * size + 5, plus 10 when colour is "b"
    frame = pd.DataFrame(
        {"size": [1.0, 2.0, 3.0, 4.0], "colour": ["a", "b", "a", "b"], "price": [8.0, 21.0, 14.0, 27.0]}
    )
    frame.to_csv(tmp_path / "train.csv", index=False)
    args = ["--dataset", str(tmp_path / "train.csv"), "--label_column", "price", "--l2_regularization_weight", "0.001"]
    train_linear_regression.main(
        args + ["--include_intercept_term", "true", "--trained_model", str(tmp_path / "model")]
    )
    return tmp_path / "model"


@pytest.fixture
def rows():
    return pd.DataFrame({"colour": ["b", "a"], "size": [5.0, 6.0], "price": [30.0, 23.0]})


def test_appends_scored_labels_after_the_input_columns(score_model, trained, rows):
    model, description = score_model.load_model(trained)
    scored = score_model.score(model, description, rows, True)
    assert list(scored.columns) == ["colour", "size", "price", "Scored Labels"]
    pd.testing.assert_frame_equal(scored[["colour", "size", "price"]], rows)
    np.testing.assert_allclose(scored["Scored Labels"], [30.0, 23.0], atol=0.01)


def test_can_output_only_the_scores(score_model, trained, rows):
    model, description = score_model.load_model(trained)
    assert list(score_model.score(model, description, rows, False).columns) == ["Scored Labels"]


def test_scores_a_category_unseen_in_training(score_model, trained):
    model, description = score_model.load_model(trained)
    scored = score_model.score(model, description, pd.DataFrame({"size": [1.0], "colour": ["c"]}), True)
    assert np.isfinite(scored["Scored Labels"]).all()


def test_names_absent_feature_columns(score_model, trained):
    model, description = score_model.load_model(trained)
    with pytest.raises(ValueError) as info:
        score_model.score(model, description, pd.DataFrame({"size": [1.0]}), True)
    assert str(info.value) == "--dataset: feature column(s) ['colour'] the model was trained on are not in the dataset"


def test_rejects_missing_feature_values(score_model, trained):
    model, description = score_model.load_model(trained)
    with pytest.raises(ValueError) as info:
        score_model.score(model, description, pd.DataFrame({"size": [None], "colour": ["a"]}), True)
    assert str(info.value) == "--dataset: missing values in feature column(s) ['size']; clean them first"


def test_rejects_text_in_a_numeric_feature(score_model, trained):
    model, description = score_model.load_model(trained)
    with pytest.raises(ValueError) as info:
        score_model.score(model, description, pd.DataFrame({"size": ["big"], "colour": ["a"]}), True)
    assert str(info.value) == "--dataset: feature column 'size' was numeric in training, here object"


def test_names_a_trained_model_folder_without_a_model(score_model, tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        score_model.load_model(tmp_path)
    assert (
        str(info.value) == f"--trained_model: {tmp_path / 'model.joblib'} not found (is this a trained_model output?)"
    )


def test_main_writes_the_scored_dataset(score_model, trained, rows, tmp_path):
    rows.to_csv(tmp_path / "test.csv", index=False)
    args = ["--trained_model", str(trained), "--dataset", str(tmp_path / "test.csv")]
    assert (
        score_model.main(args + ["--append_score_columns_to_output", "True", "--scored_dataset", str(tmp_path / "s")])
        == 0
    )
    written = pd.read_csv(tmp_path / "s" / "data.csv")
    assert list(written.columns) == ["colour", "size", "price", "Scored Labels"]
    assert joblib.load(trained / "model.joblib").predict(rows[["size", "colour"]]).tolist() == pytest.approx(
        written["Scored Labels"].tolist()
    )
