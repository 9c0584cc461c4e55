"""`locker install` and `locker boards`: a board on the wall in one command, over its serial
port (the raw REPL through mpremote's SerialTransport). hardware/INSTALL.md is the guide."""
