"""Models of supervision and enforcement, one module per area:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.

Each area's module is imported here so Django and the rest of the app see one ``models`` namespace."""

from .officers import SUPERVISORS, EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

__all__ = ["SUPERVISORS", "EnforcementItem", "Officer", "RandomDraw", "Recusal", "TrainingRecord"]
