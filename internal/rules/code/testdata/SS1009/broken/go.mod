module example.com/svc

go 1.22

foo bar // want SS1009 "go.mod:5:1 does not parse: unknown directive: foo"
