reach a-db/db a-web/web -p 8080 examples/multi-tenant
