reach orders/api orders-db/postgres examples/and-selector
