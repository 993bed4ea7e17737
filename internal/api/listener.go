package api

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Go's net/http server answers a request it cannot parse by itself, before
// any handler runs, by writing a plain-text response straight to the
// connection in one Write and closing it:
//
//	HTTP/1.1 431 Request Header Fields Too Large
//	Content-Type: text/plain; charset=utf-8
//	Connection: close
//
//	431 Request Header Fields Too Large
//
// (likewise 400 for malformed request lines, headers, Host headers and
// chunked bodies, 505 for an HTTP version other than 1.x and 501 for an
// unknown Transfer-Encoding), and an Expect header other than 100-continue
// gets an empty 417. No http.Server hook changes those answers, so
// WrapListener recognises them on the way out and rewrites each into
// Roblox's error envelope. The 5xx ones are client errors (the request
// is unusable) and become 400, so that no input makes the service answer
// 5xx. docs/compatibility.md "Hostile input" lists them.

// WrapListener returns ln whose connections rewrite net/http's plain-text
// framework error answers into JSON error envelopes. Every other byte
// passes through unchanged.
func WrapListener(ln net.Listener) net.Listener { return jsonErrorListener{ln} }

type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorConn{c}, nil
}

type jsonErrorConn struct{ net.Conn }

func (c jsonErrorConn) Write(p []byte) (int, error) {
	if out, ok := rewriteFrameworkError(p); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

const (
	goStatusPrefix = "HTTP/1.1 "
	// goErrorHeaders are the headers between the status line and the body
	// of net/http's own error answers (net/http/server.go, conn.serve).
	goErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	// goExpectationFailed starts the answer to an unsupported Expect
	// header (response.sendExpectationFailed).
	goExpectationFailed = "HTTP/1.1 417 Expectation Failed\r\n"
)

// rewriteFrameworkError returns the JSON form of p when p is one of Go's
// own error answers.
func rewriteFrameworkError(p []byte) ([]byte, bool) {
	if !bytes.HasPrefix(p, []byte(goStatusPrefix)) {
		return nil, false
	}
	if bytes.HasPrefix(p, []byte(goExpectationFailed)) {
		// A whole, bodiless answer in one write; the connection closes.
		if !bytes.HasSuffix(p, []byte("\r\n\r\n")) || !bytes.Contains(p, []byte("\r\nContent-Length: 0\r\n")) {
			return nil, false
		}
		return frameworkErrorResponse(http.StatusExpectationFailed, "Expectation Failed"), true
	}
	i := bytes.Index(p, []byte(goErrorHeaders))
	if i < 0 {
		return nil, false
	}
	line := p[len(goStatusPrefix):i] // "400 Bad Request: missing required Host header"
	if len(line) < 4 || line[3] != ' ' || bytes.ContainsAny(line, "\r\n") {
		return nil, false
	}
	code, err := strconv.Atoi(string(line[:3]))
	if err != nil || code < 400 || code > 599 {
		return nil, false
	}
	// The body repeats the status line ("400 Bad Request: ...") or, for
	// 501, is the bare reason; the message is the text after the code.
	msg := string(bytes.TrimPrefix(p[i+len(goErrorHeaders):], line[:4]))
	status := code
	if status >= 500 {
		status = http.StatusBadRequest
	}
	return frameworkErrorResponse(status, msg), true
}

// frameworkErrorResponse is a complete HTTP/1.1 answer carrying the Roblox
// envelope, with the headers writeRaw sets, closing the connection as Go's
// original answer does.
func frameworkErrorResponse(status int, msg string) []byte {
	body, _ := marshalJSON(errorBody{Errors: []errorItem{{Code: 0, Message: msg}}})
	var b bytes.Buffer
	b.WriteString(goStatusPrefix)
	b.WriteString(strconv.Itoa(status))
	b.WriteByte(' ')
	b.WriteString(http.StatusText(status))
	b.WriteString("\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString("\r\nContent-Type: application/json; charset=utf-8\r\nDate: ")
	b.WriteString(time.Now().UTC().Format(http.TimeFormat))
	b.WriteString("\r\nX-Content-Type-Options: nosniff\r\n\r\n")
	b.Write(body)
	return b.Bytes()
}
