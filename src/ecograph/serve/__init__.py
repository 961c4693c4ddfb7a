"""`ecograph serve`: a safe, read-only SPARQL endpoint, dumps and pages over a built dist/."""
