"""Models of preparedness, one module per area; each area appends its import below."""

# --- training and exams ---
from .exams import ExamAttempt, ExamPaper, Question  # noqa: E402,F401
from .training import Attendance, Certificate, Course, Trainee, TrainingSession  # noqa: E402,F401
