"""What a teacher is told of a parcours before choosing it: how long the test takes. Pure.

The test is adaptive (domain rules §4): a right answer validates the easier levels of its
subject, a wrong one the harder, so each subject takes about a bisection of its levels; a
question takes about a minute and a half with its reading, as the timed ones of Pix."""

import math
from datetime import timedelta

SECONDS_PER_QUESTION = 90


def estimated_questions(capped_tubes) -> int:
    """capped_tubes: [(tube id, highest level)]."""
    return sum(max(1, math.ceil(math.log2(cap + 1))) for _tube, cap in capped_tubes)


def estimated_duration(capped_tubes) -> timedelta:
    # Rounded to five minutes: it is an order of magnitude, not a promise.
    minutes = estimated_questions(capped_tubes) * SECONDS_PER_QUESTION / 60
    return timedelta(minutes=max(5, 5 * round(minutes / 5)))
