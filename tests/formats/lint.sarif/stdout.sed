s|\("%SRCROOT%": {"uri": "\)file://[^"]*"|\1file:///SRCROOT/"|
