"""Operations: scheduled jobs, the run store, the manifest and the run journal."""
