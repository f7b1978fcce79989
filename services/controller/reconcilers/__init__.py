"""The controller's I/O side: informers feed work queues; reconcilers call the pure core and write."""
