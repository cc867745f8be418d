module example.com/svc

go 1.22

require example.com/dep v1.0.0 // want SS1004 "example.com/dep@v1.0.0 is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"
