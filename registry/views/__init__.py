"""Admin views of the registry, all scoped to the user's part of the org tree."""
