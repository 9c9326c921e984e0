reach api pg -p 5432 examples/statefulset-primary
