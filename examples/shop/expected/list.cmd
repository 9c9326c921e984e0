list examples/shop
