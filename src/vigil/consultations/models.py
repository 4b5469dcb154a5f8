"""Bodies, meetings, calls for submissions, recommendations and mandates."""
