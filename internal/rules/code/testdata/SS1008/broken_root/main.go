package tool // want SS1008 "\\. is a module root that declares func main, but its package is tool, not main: go build \\. writes no executable"

func main() { run() }
