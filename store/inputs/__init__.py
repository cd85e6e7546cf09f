"""What the UI keeps between runs: every controlled widget's value and history, the user's UI state,
and persisted form state."""
