package formats

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/emigre/emigre/extractors"
)

// Bounded decompression, shared by every reader whose input is compressed
// (XLSX, ODS, GENESIS zips). A bomb must fail within a bounded amount of
// memory: the limits are checked on the sizes the archive declares before a
// byte is inflated, and archive/zip refuses to inflate a member past its
// declared size, so a member that lies about its size fails too.
//
// Parameters (every reader of compressed input takes them):
//
//	max_unzipped_bytes  total declared size of the members read (default 512 MiB)
//	max_zip_ratio       uncompressed/compressed size of one member larger than
//	                    1 MiB (default 500; deflate cannot exceed ~1032, bombs
//	                    sit near it, real spreadsheets well below 100)
const (
	DefaultMaxUnzippedBytes = 512 << 20
	DefaultMaxZipRatio      = 500
	// Members smaller than this are exempt from the ratio check: a tiny
	// file of repeated markup compresses very well and harms nobody.
	zipRatioExempt = 1 << 20
	maxZipMembers  = 10_000
)

// zipLimits are the decompression limits of one input.
type zipLimits struct {
	maxBytes int64
	maxRatio int64
}

func zipLimitsOf(in extractors.Input) (zipLimits, error) {
	maxBytes, err := int64Param(in, "max_unzipped_bytes", DefaultMaxUnzippedBytes)
	if err != nil {
		return zipLimits{}, err
	}
	ratio, err := int64Param(in, "max_zip_ratio", DefaultMaxZipRatio)
	if err != nil {
		return zipLimits{}, err
	}
	return zipLimits{maxBytes: maxBytes, maxRatio: ratio}, nil
}

// isZip reports whether data starts like a zip archive.
func isZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06"))
}

// openZip opens data as a zip archive and checks the declared sizes of all
// its members against the input's limits, so that a library reading the
// archive afterwards (excelize) cannot be led past them.
func openZip(in extractors.Input, data []byte) (*zip.Reader, zipLimits, error) {
	lim, err := zipLimitsOf(in)
	if err != nil {
		return nil, lim, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, lim, in.Errorf("", "not a readable zip archive: %v", err)
	}
	if len(zr.File) > maxZipMembers {
		return nil, lim, in.Errorf("", "zip archive has %d members, more than %d", len(zr.File), maxZipMembers)
	}
	var total uint64
	for _, f := range zr.File {
		if err := checkZipMember(in, f, lim); err != nil {
			return nil, lim, err
		}
		total += f.UncompressedSize64
		if total > uint64(lim.maxBytes) {
			return nil, lim, in.Errorf(f.Name, "zip archive unpacks to more than max_unzipped_bytes=%d (a zip bomb?)", lim.maxBytes)
		}
	}
	return zr, lim, nil
}

func checkZipMember(in extractors.Input, f *zip.File, lim zipLimits) error {
	size := f.UncompressedSize64
	if size > uint64(lim.maxBytes) {
		return in.Errorf(f.Name, "zip member declares %d bytes, more than max_unzipped_bytes=%d (a zip bomb?)", size, lim.maxBytes)
	}
	if size > zipRatioExempt {
		packed := max(f.CompressedSize64, 1)
		if size/packed > uint64(lim.maxRatio) {
			return in.Errorf(f.Name, "zip member inflates %d times (%d bytes from %d), more than max_zip_ratio=%d (a zip bomb?)", size/packed, size, f.CompressedSize64, lim.maxRatio)
		}
	}
	return nil
}

// readZipMember inflates one member, never past the declared size that
// openZip checked, nor past the limit.
func readZipMember(in extractors.Input, f *zip.File, lim zipLimits) ([]byte, error) {
	if err := checkZipMember(in, f, lim); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, in.Errorf(f.Name, "opening zip member: %v", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(LimitReader(rc, lim.maxBytes))
	switch {
	case errors.Is(err, ErrTooLarge):
		return nil, in.Errorf(f.Name, "zip member unpacks to more than max_unzipped_bytes=%d (a zip bomb?)", lim.maxBytes)
	case errors.Is(err, zip.ErrFormat):
		return nil, in.Errorf(f.Name, "zip member unpacks to more than the %d bytes it declares (a zip bomb?) or is corrupt", f.UncompressedSize64)
	case err != nil:
		return nil, in.Errorf(f.Name, "inflating zip member: %v", err)
	}
	return data, nil
}

// zipMemberNames lists the first members, for messages.
func zipMemberNames(zr *zip.Reader) string {
	var names []string
	for _, f := range zr.File[:min(len(zr.File), 20)] {
		names = append(names, f.Name)
	}
	s := fmt.Sprintf("%q", names)
	if len(zr.File) > len(names) {
		s += fmt.Sprintf(" and %d more", len(zr.File)-len(names))
	}
	return s
}

// contentReader returns the content of the input's body, read as a stream:
// bounded by max_bytes (defaultMax unless the source sets it) and, when the
// body starts with the gzip magic bytes (a .tsv.gz bulk file, an SDMX answer
// requested with compressed=true), decompressed within the zip limits:
// max_unzipped_bytes in all (defaultUnzipped unless set: a reader that
// streams can afford more than one that holds the content) and
// max_zip_ratio once past zipRatioExempt. Going past a limit, or a corrupt
// gzip stream, is a FormatError from Read.
func contentReader(in extractors.Input, defaultMax, defaultUnzipped int64) (*bufio.Reader, error) {
	if in.Body == nil {
		return nil, in.Errorf("", "no body")
	}
	limit, err := int64Param(in, "max_bytes", defaultMax)
	if err != nil {
		return nil, err
	}
	lim, err := zipLimitsOf(in)
	if err != nil {
		return nil, err
	}
	if in.Param("max_unzipped_bytes", "") == "" {
		lim.maxBytes = defaultUnzipped
	}
	packed := &countingReader{r: &tooLargeReader{in: in, r: LimitReader(in.Body, limit), limit: limit}}
	br := bufio.NewReaderSize(packed, 64<<10)
	magic, _ := br.Peek(2)
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return br, nil
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return nil, gzipError(in, err)
	}
	return bufio.NewReaderSize(&gunzipReader{in: in, gz: gz, packed: packed, lim: lim}, 64<<10), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gunzipReader inflates a gzip stream within limits.
type gunzipReader struct {
	in     extractors.Input
	gz     *gzip.Reader
	packed *countingReader // compressed bytes consumed so far
	out    int64           // bytes inflated so far
	lim    zipLimits
}

func (g *gunzipReader) Read(p []byte) (int, error) {
	n, err := g.gz.Read(p)
	g.out += int64(n)
	if g.out > g.lim.maxBytes {
		return 0, g.in.Errorf("", "gzip content unpacks to more than max_unzipped_bytes=%d (a gzip bomb?)", g.lim.maxBytes)
	}
	if g.out > zipRatioExempt && g.out/max(g.packed.n, 1) > g.lim.maxRatio {
		return 0, g.in.Errorf("", "gzip content inflates %d times (%d bytes from %d), more than max_zip_ratio=%d (a gzip bomb?)",
			g.out/max(g.packed.n, 1), g.out, g.packed.n, g.lim.maxRatio)
	}
	if err != nil && err != io.EOF {
		return n, gzipError(g.in, err)
	}
	return n, err
}

// gzipError keeps the input's own errors (max_bytes) and names a corrupt or
// truncated stream as such.
func gzipError(in extractors.Input, err error) error {
	var fe *extractors.FormatError
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return in.Errorf("", "truncated gzip stream: the body ends before the compressed content does")
	}
	return in.Errorf("", "corrupt gzip stream: %v", err)
}
