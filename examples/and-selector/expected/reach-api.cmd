reach orders/api orders-db/postgres -p 5432 examples/and-selector
