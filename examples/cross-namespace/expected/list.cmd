list examples/cross-namespace
