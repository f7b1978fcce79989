"""Generated gRPC code for basalt.v1 (scripts/gen_proto.py); never edit by hand."""
