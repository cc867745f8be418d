module example.com/clean-api

go 1.22.0
