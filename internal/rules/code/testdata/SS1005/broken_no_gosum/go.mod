module example.com/svc // want SS1005 "go.mod requires 1 module\\(s\\) \\(golang.org/x/mod v0.20.0\\) but go.sum does not exist"

go 1.22

require golang.org/x/mod v0.20.0

require example.com/local v0.0.0

replace example.com/local => ./local
