"""Grade deep-learning exercises with the student's code kept in a sandbox.

The pipeline, one module or folder each:

    submission  read a .py or .ipynb into definitions, never executing anything here
    policy      read those definitions for delegation and tampering (own work, plain exercise code)
    sandbox     a pre-imported zygote forks a confined child that runs the student's code;
                only allowlisted plain data comes back
    checks      the vocabulary hidden tests speak: each failed check is one sentence
    grading     runs public and hidden tests under pytest and collects a Report
    report      the terminal table and the Markdown feedback
    exporters   Gradescope's results.json

Start at `autograder.grading.grade`.
"""
