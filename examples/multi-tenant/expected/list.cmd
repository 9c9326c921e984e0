list examples/multi-tenant
