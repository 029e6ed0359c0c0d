"""Domain operations: one transaction each, called by views, CLI and API alike."""
