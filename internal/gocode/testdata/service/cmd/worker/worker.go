package worker

func main() {}
