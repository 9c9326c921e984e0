reach grafana shop-api/api -p 9090 examples/shop
