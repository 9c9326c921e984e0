reach 203.0.113.9 a-web/web -p 8080 examples/multi-tenant
