"""The build pipeline, one module per stage: seeds and mappings → names, inferences → SHACL → graph → dumps.

    mapping.py    an article's YAML mapping and seed text → its named graph (quads), every fact with its quote
    rdfmapping.py an article's facts and claims written by hand in Turtle or JSON-LD → the same named graph
    mapcache.py   the per-article cache of mapping.py's results
    names.py      mappings/names.yaml (names no article states, with who and why) → the names graph
    graph.py      the article graphs joined into one dataset, and the writers of its RDF formats
    inference.py  what the ontology's inverse, symmetric and transitive properties imply: the inferred graph
    shacl.py      every graph (articles, names, inferred) validated against the project's shapes (cached per graph)
    metadata.py   VoID/DCAT metadata of the dumps (void.ttl)
    dumps.py      the whole build, written atomically into dist/: `build_dist` (public as `ecograph.build`)

Nothing is imported here, so importing one stage does not import the others.
"""
