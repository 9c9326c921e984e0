explain --pod shop-api/api examples/shop
