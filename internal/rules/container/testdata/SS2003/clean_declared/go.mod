module example.com/arch

go 1.22
