module example.com/service

go 1.22

toolchain go1.22.3

require (
	github.com/gin-gonic/gin v1.9.1
	github.com/mattn/go-sqlite3 v1.14.22
	github.com/spf13/viper v1.18.2 // indirect
)

replace example.com/lib => ./lib

retract v0.1.0 // broken
