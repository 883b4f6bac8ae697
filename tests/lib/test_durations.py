from datetime import timedelta

import pytest

from lib.durations import duration_label


@pytest.mark.parametrize("duration, label", [
    (60, "1 min"), (20, "1 min"), (300, "5 min"), (timedelta(minutes=8), "8 min"), (3540, "59 min"),
    (3600, "1 h"), (3900, "1 h 05"), (timedelta(hours=2, minutes=15), "2 h 15"),
])
def test_tutorial_durations_read_as_in_pix(duration, label):
    assert duration_label(duration) == label.replace(" ", "\u00a0")
