reach api pg-1 -p 5432 examples/statefulset-primary
