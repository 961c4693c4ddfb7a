"""Checking a contribution against the shapes, the ontology and the published graph (`ecograph validate`).

    run.py           `validate(paths, dist, project=...) -> Report`, public as `ecograph.validate`
    contribution.py  the contribution read: RDF files or article mappings, with their source lines
    published.py     the published graph the contribution is checked in (dist/ecograph.trig, or its store)
    checks.py        the ontology, reference, provenance and naming checks
    duplicates.py    near-duplicate names of organisations and people
    reasoning.py     disjoint types, and OWL consistency with HermiT
    report.py        the report: findings with severities, and its text, JSON and Turtle forms

Nothing is imported here, so importing one module does not import the others.
"""
