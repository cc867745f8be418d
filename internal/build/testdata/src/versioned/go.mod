module example.com/versioned

go 1.22
