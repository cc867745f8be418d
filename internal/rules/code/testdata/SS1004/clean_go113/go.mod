module example.com/svc

go 1.13

require example.com/dep v1.0.0
