module example.com/builder

go 1.22
