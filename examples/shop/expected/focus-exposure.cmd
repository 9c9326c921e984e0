exposure --focus shop-api/api --focus-direction ingress examples/shop
