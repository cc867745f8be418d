package network

import "testing"

func TestGcloudRunDeploy(t *testing.T) {
	for _, c := range []struct {
		cmd   string
		port  int
		image string
		ok    bool
	}{
		{"gcloud run deploy app --image gcr.io/p/app:1 --region x", 8080, "gcr.io/p/app:1", true},
		{"gcloud run deploy app --image=gcr.io/p/app --port=3000", 3000, "gcr.io/p/app", true},
		{"gcloud run deploy app --source . --port 9000", 9000, "", true},
		{"gcloud run deploy app --port $PORT", 0, "", false},
		{"gcloud run deploy app --set-env-vars PORT=1 --port 3000", 0, "", false},
		{"gcloud run deploy app --args=-addr,:9000", 0, "", false},
	} {
		port, image, ok := gcloudRunDeploy(c.cmd)
		if port != c.port || image != c.image || ok != c.ok {
			t.Errorf("%q: got %d %q %v, want %d %q %v", c.cmd, port, image, ok, c.port, c.image, c.ok)
		}
	}
}

func TestCloudRunDeployContinuations(t *testing.T) {
	src := "steps:\n  - run: |\n      gcloud beta run deploy app \\\n        --image x/app \\\r\n        --port 3000\n      echo done\n"
	m := cloudRunDeploy.FindString(src)
	port, image, ok := gcloudRunDeploy(m)
	if port != 3000 || image != "x/app" || !ok {
		t.Fatalf("continuation lines not joined: %q gives %d %q %v", m, port, image, ok)
	}
}

// FuzzPlatformCommands feeds arbitrary text to the Procfile and gcloud command readers, which
// must not panic.
func FuzzPlatformCommands(f *testing.F) {
	f.Add("web: bin/app -addr :$PORT\n")
	f.Add("gcloud run deploy a \\\n --port=80 --image \\")
	f.Add("gcloud run deploy \\\\\\\r\n\x00--port")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range cloudRunDeploy.FindAllString(s, -1) {
			gcloudRunDeploy(m)
		}
		procLine.FindStringSubmatch(s)
	})
}
