"""What every app shares; imports no app of ours (import-linter checks it)."""
