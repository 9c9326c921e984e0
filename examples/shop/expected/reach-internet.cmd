reach api 198.51.100.20 -p 5432 examples/shop
