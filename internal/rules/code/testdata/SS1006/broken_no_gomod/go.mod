module example.com/svc

go 1.22

require example.com/dep v0.0.0

replace example.com/dep v0.0.0 => ./dep // want SS1006 "dep exists but holds no go.mod"
