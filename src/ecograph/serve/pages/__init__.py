"""The HTML pages and the stored-query API: landing page, entity descriptions, network picture, ontology
documentation, search, the SPARQL editor; their templates, static files and npm packages (web/)."""
