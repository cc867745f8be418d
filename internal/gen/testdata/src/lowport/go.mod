module example.com/lowport

go 1.22
