"""Source: all database I/O (queries, connection with retry, schema check, one fetch per query)."""
