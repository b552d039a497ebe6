"""The bureau's statistics and annual report, computed from what the platform recorded (issue 17 §3)."""
