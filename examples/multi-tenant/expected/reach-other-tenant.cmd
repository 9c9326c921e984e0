reach b-app/app a-db/db -p 5432 examples/multi-tenant
