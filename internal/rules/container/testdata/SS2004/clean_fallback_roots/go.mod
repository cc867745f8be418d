module example.com/poller

go 1.22

require golang.org/x/crypto/x509roots/fallback v0.0.0-20240916204253-42ee18b96377
