list examples/statefulset-primary
