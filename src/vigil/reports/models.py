"""Early-warning products: daily regional synopsis, country situation reports, policy briefs."""
