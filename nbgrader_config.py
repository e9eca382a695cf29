"""nbgrader settings for the course.

The instructor source of every chapter lives in ``solutions/<chapter>/`` and the
student release in ``notebooks/<chapter>/``: one nbgrader assignment per chapter.
"""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "theano-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///.nbgrader.db"

# A cold PyTensor compile can take a minute in one cell; nbgrader's default is 30 s.
c.Execute.timeout = 600
c.ExecutePreprocessor.timeout = 600

# Released notebooks carry no outputs and no solutions.
c.ClearOutputPreprocessor.enabled = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Instructor-only scripts (they contain worked models) stay out of the release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "reproduce.py"]
