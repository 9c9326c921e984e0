reach a-web/web a-db/db -p 5432 examples/multi-tenant
