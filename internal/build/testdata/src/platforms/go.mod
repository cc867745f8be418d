module example.com/platforms

go 1.22
