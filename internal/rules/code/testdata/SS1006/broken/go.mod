module example.com/svc

go 1.22

require example.com/dep v0.0.0

replace example.com/dep => ./third_party/dep // want SS1006 "replaces example.com/dep with the directory ./third_party/dep, but third_party/dep does not exist in the checked directory"
