explain --pod checkout examples/default-deny
