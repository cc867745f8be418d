// helper fails the way a Go service fails at start-up, so that the real messages of this
// machine's kernel, runtime and libraries can be explained by the tests. It is built by the
// tests (static, -trimpath) and run under the conditions each failure needs.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: helper listen ADDR | tz NAME | get URL")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "listen":
		var l net.Listener
		if l, err = net.Listen("tcp", os.Args[2]); err == nil {
			l.Close()
		}
	case "tz":
		_, err = time.LoadLocation(os.Args[2])
	case "get":
		var resp *http.Response
		if resp, err = http.Get(os.Args[2]); err == nil {
			resp.Body.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s %v\n", time.Now().UTC().Format("2006/01/02 15:04:05"), err)
		os.Exit(1)
	}
}
