"""The REST gateway: the Kubernetes API conventions for Volcano's Jobs, Queues, PodGroups and
Commands and for Pods and Nodes, served over the controller's gRPC API, with discovery and
OpenAPI documents so stock clients (kubectl --server, kubernetes_asyncio) work. It holds no state;
each request becomes gRPC calls (a patch reads then updates; a watch relays a stream), every
request is authenticated by bearer token, and every failure is a Kubernetes ``Status`` object.
"""
