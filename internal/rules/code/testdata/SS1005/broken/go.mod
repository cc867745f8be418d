module example.com/svc

go 1.22

require (
	golang.org/x/mod v0.20.0 // want SS1005 "requires golang.org/x/mod v0.20.0 but go.sum has no line for it"
	golang.org/x/text v0.16.0
)
