module example.com/writer

go 1.23.0

toolchain go1.24.2
