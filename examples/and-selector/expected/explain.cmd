explain --pod postgres examples/and-selector
