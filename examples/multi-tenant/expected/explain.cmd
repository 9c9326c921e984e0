explain --pod a-web/web examples/multi-tenant
