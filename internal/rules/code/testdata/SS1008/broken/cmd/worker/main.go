package worker // want SS1008 "cmd/worker is a command directory that declares func main, but its package is worker, not main"

func main() {}
