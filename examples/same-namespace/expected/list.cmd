list examples/same-namespace
