"""Models of preparedness, one module per area; each area appends its import below."""

# --- publicity ---
# --- drills ---
from .drills import Drill, DrillPlan, DrillProblem, DrillProblemEvent  # noqa: E402,F401

# --- training and exams ---
from .exams import ExamAttempt, ExamPaper, Question  # noqa: E402,F401

# --- plans ---
from .plans import PlanEvaluation, PlanFiling, PlanReview, PlanVersion, ReviewOpinion  # noqa: E402,F401
from .publicity import PublicityActivity, PublicityKind  # noqa: E402,F401
from .training import Attendance, Certificate, Course, Trainee, TrainingSession  # noqa: E402,F401
