package deploy

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/source"
)

func withEnv(name, value string, known bool, pos source.Pos) *Target {
	t := &Target{}
	t.setEnv(name, Value{Value: value, Known: known, Pos: pos, Where: "env"})
	return t
}

func TestSetEnvWithVariableIsUnknown(t *testing.T) {
	tg := &Target{}
	tg.setEnv("PORT", Value{Value: "${HTTP_PORT}", Known: true})
	if v, set, _ := tg.Env("PORT"); !set || v.Known {
		t.Fatalf("a value with a variable must be set but unknown, got set=%v known=%v", set, v.Known)
	}
}
