module example.com/svc

go 1.22

require example.com/dep v0.0.0

replace example.com/dep => ../../no-such-checkout/dep // want SS1006 "\\.\\./\\.\\./no-such-checkout/dep is outside the checked directory and holds no go.mod"
