"""Grade a whole class: `grade batch ASSIGNMENT SUBMISSIONS --out DIR`.

The pipeline: `discover` turns the upload (a folder or a .zip, laid out one file or one folder per student, as
a Canvas bulk download or as a Gradescope export) into one Entry per student, each a file to grade or the
sentence saying why there is none; the engine grades every entry in worker processes and writes each
student's results.json and feedback.md; finally `autograder.exporters.grades` writes grades.csv and its
Canvas twin and `autograder.exporters.summary` writes summary.md and summary.html for the instructor.
"""
