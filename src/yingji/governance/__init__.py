"""The responsibility system (安全生产责任体系, issue 17 §1)."""
