"""Models of preparedness, one module per area; each area appends its import below."""
