list examples/and-selector
