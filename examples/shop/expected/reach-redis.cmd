reach api redis -p 6379 examples/shop
