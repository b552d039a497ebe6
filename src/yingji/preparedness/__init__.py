"""Preparedness: plan documents and their life cycle, drills, training and exams, publicity."""
