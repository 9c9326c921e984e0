matrix --port 8080,9090,5432,6379 examples/shop
