// Package buildid reads the Go build ID of the running executable: a hash
// of everything the binary was built from, which the Go toolchain writes
// into every binary it links. Two binaries with one build ID run the same
// code; any change to the code, a dependency or the toolchain changes it.
package buildid

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"sync"
)

// Executable is the build ID of the running executable, or "" when it
// cannot be read (not an ELF file, as on macOS and Windows, or the file is
// gone): a caller that keys results on the code must then not reuse them.
var Executable = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	return OfFile(path)
})

// OfFile is the Go build ID of the ELF executable at path, or "".
func OfFile(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	note, err := sec.Data()
	if err != nil {
		return ""
	}
	return fromNote(note, f.ByteOrder)
}

// fromNote reads an ELF note: name size, description size and type (4
// bytes each), the name padded to 4 bytes ("Go"), then the description,
// which is the build ID.
func fromNote(note []byte, order binary.ByteOrder) string {
	if len(note) < 16 {
		return ""
	}
	nameSize, descSize := order.Uint32(note[0:4]), order.Uint32(note[4:8])
	nameEnd := 12 + (uint64(nameSize)+3)&^3
	if uint64(len(note)) < nameEnd+uint64(descSize) || nameSize < 2 ||
		!bytes.Equal(note[12:14], []byte("Go")) {
		return ""
	}
	return string(note[nameEnd : nameEnd+uint64(descSize)])
}
