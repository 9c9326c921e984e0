reach payments/checkout 203.0.113.7 -p 443 examples/default-deny
