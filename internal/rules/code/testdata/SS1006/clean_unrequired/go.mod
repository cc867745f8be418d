module example.com/svc

go 1.22

require example.com/dep v0.0.0

replace example.com/dep => ./dep

// A replacement of a module the build does not require is never read by the go command.
replace example.com/old => ../old-checkout
