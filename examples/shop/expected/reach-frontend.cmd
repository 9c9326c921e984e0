reach frontend shop-api/svc/api -p 80 examples/shop
