import hashlib

import pandas as pd

COLUMNS = (
    "symboling,normalized-losses,make,fuel-type,aspiration,num-of-doors,body-style,drive-wheels,engine-location,"
    "wheel-base,length,width,height,curb-weight,engine-type,num-of-cylinders,engine-size,fuel-system,bore,stroke,"
    "compression-ratio,horsepower,peak-rpm,city-mpg,highway-mpg,price"
)
UCI_SHA256 = "125db8bd36a84801f7223faf54071d15f85f26c13a9a7aee63375ac46098fb7f"


def test_raw_csv_is_the_uci_file_with_a_header_row(pipeline_dir):
    header, body = (pipeline_dir / "data" / "automobile-price-raw.csv").read_bytes().split(b"\n", 1)
    assert header.decode() == COLUMNS
    assert hashlib.sha256(body).hexdigest() == UCI_SHA256


def test_raw_csv_keeps_missing_values_as_question_marks(pipeline_dir):
    raw = pd.read_csv(pipeline_dir / "data" / "automobile-price-raw.csv", keep_default_na=False, dtype=str)
    assert raw.shape == (205, 26)
    missing = (raw == "?").sum()
    assert missing[missing > 0].to_dict() == {
        "normalized-losses": 41,
        "num-of-doors": 2,
        "bore": 4,
        "stroke": 4,
        "horsepower": 2,
        "peak-rpm": 2,
        "price": 4,
    }


def test_notice_carries_the_attribution_and_licence(pipeline_dir):
    notice = (pipeline_dir / "data" / "NOTICE.md").read_text()
    assert "Schlimmer, J. (1987). Automobile [Dataset]. UCI Machine Learning Repository." in notice
    assert "https://doi.org/10.24432/C5B01C" in notice
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in notice
