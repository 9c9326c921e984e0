reach team-b/client team-a/svc/api -p 80 examples/same-namespace
