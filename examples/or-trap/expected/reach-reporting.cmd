reach billing/reporting billing-db/postgres -p 5432 examples/or-trap
