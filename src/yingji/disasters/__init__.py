"""Natural disasters: danger zones and transfers, forest fire, geological hazards, disaster reports, relief,
the risk census."""
