"""The build steps of the synthetic-data profiles, in the order of ``profiles.STEPS``."""
