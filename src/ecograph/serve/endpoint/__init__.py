"""The SPARQL endpoint and the dumps over HTTP: the protocol, the guard that refuses unsafe queries, result
formats, content negotiation, and the dump files."""
