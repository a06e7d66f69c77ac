# nbgrader_config.py for the Middle Powers at Davos worksheets.
#
# Copy this file into your nbgrader course folder (next to source/), or add its
# last statement to the nbgrader_config.py you have, then run nbgrader as usual:
#     nbgrader generate_assignment worksheets
#     nbgrader autograde worksheets
#     nbgrader generate_feedback worksheets
# nbgrader must run in the course's full install (make test installs it), so that
# mpcourse.judge can be imported.
#
# What it changes: every autograder test cell is decided by mpcourse.judge, outside
# the student's kernel (instructors/editing-questions.md, "Grading with nbgrader").
# The list is nbgrader's default autograde_preprocessors with the judge inserted
# after Execute and LimitOutput and before SaveAutoGrades, which reads the verdict.
# Without it, the graded test cells raise during autograde: every task gets zero
# points and the error says why (the config fails closed).
c = get_config()  # noqa: F821 - nbgrader provides get_config() in its config files

c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "mpcourse.judge.JudgeTests",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
