"""Change analysis: collect the range, gather evidence, decide the bump."""
