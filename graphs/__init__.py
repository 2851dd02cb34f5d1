"""Graph state, the consult graph and the synthesis graph (to come)."""
