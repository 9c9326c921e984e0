reach web api -p 8080 examples/same-namespace
