package proxy

import (
	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/compression"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// newCompressor builds the Compressor of the compression option, as
// Easegress's Proxy compresses: gzip only, any content type, from
// minLength bytes, and for clients that accept gzip or send no
// Accept-Encoding at all.
func newCompressor(spec *CompressionSpec) (*compression.Compressor, error) {
	opts := compression.DefaultOptions()
	opts.Encodings = []compression.Encoding{compression.Gzip}
	opts.MinLength = int(spec.MinLength)
	opts.ContentTypes = []string{"*"}
	opts.AcceptAbsent = true
	return compression.New(opts)
}

// compress gzips the namespace response in place when the compression
// rules allow. A reply streamed past serverMaxBodySize is passed on as it
// is. A failure leaves the reply uncompressed and is logged.
func (p *Proxy) compress(ctx *filter.Context, req *httpprot.Request) {
	resp := ctx.Response()
	if resp == nil {
		return
	}
	if _, err := p.compressor.Compress(&req.Header, resp.Response); err != nil {
		p.Log().Warn("reply left uncompressed", "error", err)
	}
}
