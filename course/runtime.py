"""Is this notebook being graded? The autograder sets ``COURSE_GRADING=1``.

Graded runs only need the functions you wrote, not a long experiment, so the
lectures shorten their training loops with ``scaled`` when graded. On your
machine and in Colab ``scaled(full, when_grading)`` is simply ``full``.
"""
import os

GRADING = os.environ.get("COURSE_GRADING") == "1"


def scaled(full, when_grading):
    """``full`` normally; ``when_grading`` while the autograder runs the notebook."""
    return when_grading if GRADING else full


def expect_accuracy(accuracy, at_least, description):
    """The lecture's accuracy claim, checked on your run (not while grading, where training is shortened)."""
    print(f"Held-out test accuracy: {accuracy:.1%}  ({description})")
    if GRADING:
        return
    if accuracy < at_least:
        raise AssertionError(f"The classifier reached only {accuracy:.1%} on held-out images; a correct "
                             f"implementation reaches at least {at_least:.0%} here. Re-run the checks of the exercises.")
