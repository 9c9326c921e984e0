reach team-b/client team-a/api -p 8080 examples/same-namespace
