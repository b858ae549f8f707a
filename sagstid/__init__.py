"""sagstid: measures how well a Danish employment administration keeps its case deadlines.

The flow is visible in the module names: extract (SQL to DataFrames) -> validate (types,
exclusions with reasons) -> measure (pure functions) -> report (workbooks, JSON).
"""

__version__ = "0.1.0"
