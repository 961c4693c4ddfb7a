"""Query execution: forked, network-isolated pyoxigraph workers (from a zygote), their admission queue, and
the engine that hands them queries and descriptions."""
