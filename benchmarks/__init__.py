"""Speed and scale measurements; each script prints figures and ratios (not timed tests)."""
