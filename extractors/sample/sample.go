// Package sample embeds the sample archive: one snapshot per catalogue
// source, in the publisher's real format, each with its provenance in the
// manifest. `emigre run --offline` replays it, so the binary works on a
// machine with no network. Rebuild it with
//
//	go run ./extractors/sample/reconstruct -shared ../shared -out extractors/sample/archive
package sample

import (
	"embed"
	"io/fs"
)

//go:embed archive
var files embed.FS

// FS returns the sample archive rooted at its directory, for
// archive.OpenFS(sample.FS()).
func FS() fs.FS {
	sub, err := fs.Sub(files, "archive")
	if err != nil {
		panic("sample: " + err.Error()) // the directory is embedded at build time
	}
	return sub
}
