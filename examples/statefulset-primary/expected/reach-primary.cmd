reach api pg-0 -p 5432 examples/statefulset-primary
