"""The REST gateway: Kubernetes-style HTTP paths for Volcano Jobs, PodGroups and Pods, served
over the controller's gRPC API. It holds no state; every request becomes one gRPC call, and every
failure becomes a Kubernetes ``Status`` object with the matching HTTP code.
"""
