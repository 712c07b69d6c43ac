package httpserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// DefaultAccessLogFormat is Easegress's access log format; an HTTPServer
// writes an access log when its accessLogFormat is set (to this or
// another format).
const DefaultAccessLogFormat = "[{{Time}}] [{{RemoteAddr}} {{RealIP}} {{Method}} {{URI}} {{Proto}} {{StatusCode}}] [{{Duration}} rx:{{ReqSize}}B tx:{{RespSize}}B] [{{Tags}}]"

// accessLogQueue bounds the lines waiting for the writer; beyond it lines
// are dropped (and counted) rather than slowing requests down.
const accessLogQueue = 4096

// maxLoggedURI cuts long request targets.
const maxLoggedURI = 512

// accessVar is a variable of the access log format.
type accessVar int

const (
	logLiteral accessVar = iota
	logTime
	logRemoteAddr
	logRealIP
	logMethod
	logURI
	logProto
	logStatusCode
	logDuration
	logReqSize
	logRespSize
	logReqHeaders
	logRespHeaders
	logTags
)

// accessVarByName maps the variable names of formats.
func accessVarByName(name string) (accessVar, bool) {
	switch name {
	case "Time":
		return logTime, true
	case "RemoteAddr":
		return logRemoteAddr, true
	case "RealIP":
		return logRealIP, true
	case "Method":
		return logMethod, true
	case "URI":
		return logURI, true
	case "Proto":
		return logProto, true
	case "StatusCode":
		return logStatusCode, true
	case "Duration":
		return logDuration, true
	case "ReqSize":
		return logReqSize, true
	case "RespSize":
		return logRespSize, true
	case "ReqHeaders":
		return logReqHeaders, true
	case "RespHeaders":
		return logRespHeaders, true
	case "Tags":
		return logTags, true
	}
	return 0, false
}

// accessVarNames lists the variables for error messages.
const accessVarNames = "Time, RemoteAddr, RealIP, Method, URI, Proto, StatusCode, Duration, ReqSize, RespSize, ReqHeaders, RespHeaders, Tags"

// accessLogFormat is a compiled format: literals and variables.
type accessLogFormat struct {
	segments  []accessSegment
	wantsTags bool
	reqHeader bool
}

type accessSegment struct {
	lit string
	v   accessVar
}

// compileAccessLog parses a format with {{Name}} variables.
func compileAccessLog(format string) (*accessLogFormat, error) {
	f := &accessLogFormat{}
	rest := format
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			f.segments = append(f.segments, accessSegment{lit: rest})
			break
		}
		if i > 0 {
			f.segments = append(f.segments, accessSegment{lit: rest[:i]})
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("unclosed {{ at offset %d", len(format)-len(rest)+i)
		}
		name := strings.TrimSpace(rest[i+2 : i+j])
		v, ok := accessVarByName(name)
		if !ok {
			return nil, fmt.Errorf("unknown variable {{%s}}; variables: %s", name, accessVarNames)
		}
		f.segments = append(f.segments, accessSegment{v: v})
		f.wantsTags = f.wantsTags || v == logTags
		f.reqHeader = f.reqHeader || v == logReqHeaders
		rest = rest[i+j+2:]
	}
	return f, nil
}

// accessEntry is one request's access log line in the making. It copies
// what it needs from the request: nothing of the RequestCtx is kept.
type accessEntry struct {
	remote, method, uri, proto, reqHeaders, tags []byte
	wantsTags                                    bool
	line                                         []byte
}

// Finish implements filter.Finisher: it copies the tags before the
// filter context forgets them.
func (e *accessEntry) Finish(ctx *filter.Context) { e.tags = append(e.tags[:0], ctx.Tags()...) }

// accessLogWriter writes access log lines in a goroutine of its own, so
// that the request path never waits for the log.
type accessLogWriter struct {
	log     *slog.Logger
	queue   chan *accessEntry
	entries sync.Pool
	dropped *atomic.Uint64
	stop    chan struct{}
	done    chan struct{}
}

// newAccessLogWriter starts a writer logging to log.
func newAccessLogWriter(log *slog.Logger, dropped *atomic.Uint64) *accessLogWriter {
	w := &accessLogWriter{
		log:     log,
		queue:   make(chan *accessEntry, accessLogQueue),
		dropped: dropped,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	w.entries.New = func() any { return &accessEntry{} }
	go w.run()
	return w
}

// run writes lines until stopped, then drains the queue.
func (w *accessLogWriter) run() {
	defer close(w.done)
	for {
		select {
		case e := <-w.queue:
			w.write(e)
		case <-w.stop:
			for {
				select {
				case e := <-w.queue:
					w.write(e)
				default:
					return
				}
			}
		}
	}
}

func (w *accessLogWriter) write(e *accessEntry) {
	w.log.LogAttrs(context.Background(), slog.LevelInfo, string(e.line))
	w.entries.Put(e)
}

// close stops the writer once the queued lines are written. Lines sent
// later are dropped.
func (w *accessLogWriter) close() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// begin takes an entry and copies the request as received.
func (w *accessLogWriter) begin(ctx *fasthttp.RequestCtx, f *accessLogFormat) *accessEntry {
	e := w.entries.Get().(*accessEntry)
	e.wantsTags = f.wantsTags
	e.remote = appendAddr(e.remote[:0], ctx.RemoteAddr())
	e.method = append(e.method[:0], ctx.Method()...)
	uri := ctx.Request.Header.RequestURI()
	if len(uri) > maxLoggedURI {
		uri = uri[:maxLoggedURI]
	}
	e.uri = append(e.uri[:0], uri...)
	e.proto = append(e.proto[:0], ctx.Request.Header.Protocol()...)
	e.reqHeaders = e.reqHeaders[:0]
	if f.reqHeader {
		e.reqHeaders = appendRequestHeaders(e.reqHeaders, &ctx.Request.Header)
	}
	e.tags = e.tags[:0]
	return e
}

// finish renders the line and queues it without waiting.
func (w *accessLogWriter) finish(f *accessLogFormat, e *accessEntry, ctx *fasthttp.RequestCtx, realIP []byte, code int, d time.Duration, rx, tx int) {
	b := e.line[:0]
	for _, s := range f.segments {
		switch s.v {
		case logLiteral:
			b = append(b, s.lit...)
		case logTime:
			b = ctx.Time().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		case logRemoteAddr:
			b = append(b, e.remote...)
		case logRealIP:
			b = append(b, realIP...)
		case logMethod:
			b = append(b, e.method...)
		case logURI:
			b = append(b, e.uri...)
		case logProto:
			b = append(b, e.proto...)
		case logStatusCode:
			b = strconv.AppendInt(b, int64(code), 10)
		case logDuration:
			b = strconv.AppendFloat(b, float64(d)/float64(time.Millisecond), 'f', 3, 64)
			b = append(b, "ms"...)
		case logReqSize:
			b = strconv.AppendInt(b, int64(rx), 10)
		case logRespSize:
			b = strconv.AppendInt(b, int64(tx), 10)
		case logReqHeaders:
			b = append(b, e.reqHeaders...)
		case logRespHeaders:
			b = appendResponseHeaders(b, &ctx.Response.Header)
		case logTags:
			b = append(b, e.tags...)
		}
	}
	e.line = b
	select {
	case w.queue <- e:
	default:
		w.dropped.Add(1)
		w.entries.Put(e)
	}
}

// appendAddr appends a peer address (ip:port) without allocating for TCP
// peers.
func appendAddr(b []byte, a net.Addr) []byte {
	if t, ok := a.(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(t.IP); ok {
			return netip.AddrPortFrom(ip.Unmap(), uint16(t.Port)).AppendTo(b)
		}
	}
	if a == nil {
		return b
	}
	return append(b, a.String()...)
}

// appendRequestHeaders writes headers as Key: [v1 v2], sorted by key,
// joined by ", ".
func appendRequestHeaders(b []byte, h *fasthttp.RequestHeader) []byte {
	var keys []string
	for k := range h.All() {
		keys = append(keys, string(k))
	}
	return appendHeaderValues(b, keys, func(k string) [][]byte { return h.PeekAll(k) })
}

// appendResponseHeaders is appendRequestHeaders for a response.
func appendResponseHeaders(b []byte, h *fasthttp.ResponseHeader) []byte {
	var keys []string
	for k := range h.All() {
		keys = append(keys, string(k))
	}
	return appendHeaderValues(b, keys, func(k string) [][]byte { return h.PeekAll(k) })
}

func appendHeaderValues(b []byte, keys []string, values func(string) [][]byte) []byte {
	sort.Strings(keys)
	prev := ""
	first := true
	for _, k := range keys {
		if k == prev {
			continue
		}
		prev = k
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, k...)
		b = append(b, ": ["...)
		for i, v := range values(k) {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, v...)
		}
		b = append(b, ']')
	}
	return b
}
