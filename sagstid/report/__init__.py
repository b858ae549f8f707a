"""Report: the workbooks and results.json written from a measurement."""
