"""What leaves the course: the student release and the Gradescope autograder.

    wheel.py               the grader as a wheel built from its source, holding chosen assignments' public files
    leaks.py               proof that a shipment holds none of the course's solutions
    release.py             `grade release`: the wheel, each assignment's handed-out files, a README
    gradescope_package.py  `grade gradescope`: setup.sh, run_autograder, the wheel, one assignment's reference
"""


class ShippingError(Exception):
    """A release or an autograder cannot be built as asked; the message says why and what to do."""
