matrix --port 8080 examples/same-namespace
