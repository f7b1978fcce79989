"""gRPC plumbing shared by every service: servers with health, error mapping, channels."""
