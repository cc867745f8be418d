package tool

func run() {}
