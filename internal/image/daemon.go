package image

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultDockerHost is the engine socket used when DOCKER_HOST is unset.
const DefaultDockerHost = "unix:///var/run/docker.sock"

// EngineClient returns an HTTP client for the Docker engine named by DOCKER_HOST (unix:// or
// tcp://; TLS endpoints are not supported) and the base URL requests go to.
func EngineClient() (*http.Client, string, error) {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = DefaultDockerHost
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, "", fmt.Errorf("DOCKER_HOST %q: %w", host, err)
	}
	switch u.Scheme {
	case "unix":
		sock := u.Path
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}
		return &http.Client{Transport: tr}, "http://docker", nil
	case "tcp", "http":
		if os.Getenv("DOCKER_TLS_VERIFY") != "" {
			return nil, "", fmt.Errorf("DOCKER_HOST %q with DOCKER_TLS_VERIFY: TLS engine endpoints are not supported; export the image with docker save and inspect the file", host)
		}
		return &http.Client{}, "http://" + u.Host, nil
	}
	return nil, "", fmt.Errorf("DOCKER_HOST %q: scheme %q is not supported (want unix:// or tcp://)", host, u.Scheme)
}

// FromDaemon exports ref from the Docker engine (GET /images/{ref}/get, what docker save does)
// into a temporary file and reads that archive. The file is removed by Close.
func FromDaemon(ctx context.Context, ref string) (*Facts, error) {
	if ref == "" {
		return nil, fmt.Errorf("daemon: needs an image reference (daemon:myapp:latest)")
	}
	c, base, err := EngineClient()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/images/"+url.PathEscape(ref)+"/get", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("exporting %s from the Docker engine: %w", ref, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("exporting %s from the Docker engine: %s: %s", ref, resp.Status, strings.TrimSpace(string(b)))
	}
	tmp, err := os.CreateTemp("", "shipshape-image-*.tar")
	if err != nil {
		return nil, err
	}
	name := tmp.Name()
	if _, err := io.Copy(tmp, resp.Body); err != nil {
		tmp.Close()
		os.Remove(name)
		return nil, fmt.Errorf("exporting %s from the Docker engine: %w", ref, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return nil, err
	}
	img, err := FromTarball(name)
	if err != nil {
		os.Remove(name)
		return nil, fmt.Errorf("daemon:%s: %w", ref, err)
	}
	img.Ref, img.tmp = "daemon:"+ref, name
	return img, nil
}
