module example.com/acme/orders/v2

go 1.22
