matrix -o csv --focus shop-api/api --focus-direction ingress --focus-conn tcp-9090 examples/shop
