package sdk

// Name is the service's name.
const Name = "svc"
