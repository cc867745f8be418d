module example.com/svc

go 1.22

require example.com/dep // want SS1009 "go.mod:5.* does not parse: usage: require module/path v1.2.3"
