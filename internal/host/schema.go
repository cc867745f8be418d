package host

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the snapshot document, version 1, for tools
// that read snapshots without shipshape. The tests validate real and fixture snapshots
// against it, so it follows Snapshot.
//
//go:embed snapshot.schema.json
var Schema []byte
