module example.com/svc

go 1.22

require example.com/dep v1.2.0 // want SS1004 "example.com/dep@v1.2.0 is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt \\(it vendors v1.0.0\\) \\(go.mod:5\\); example.com/dep@v1.0.0 is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod"
