package main

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestResponseReader: the load generator's reader takes what net/http
// writes, Content-Length and chunked bodies alike, one response after
// another on a kept-alive connection, and agrees with net/http's own
// reader on the status of each.
func TestResponseReader(t *testing.T) {
	stream := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 4\r\n\r\ntrue" +
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n" +
		"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nRetry-After: 1\r\n\r\n{}"
	want := []int{200, 404, 200, 503}
	br := bufio.NewReader(strings.NewReader(stream))
	for i, w := range want {
		got, err := readResponse(br)
		if err != nil || got != w {
			t.Fatalf("response %d: %d, %v; want %d", i, got, err, w)
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("bytes left after the last response: %v", err)
	}
	nr := bufio.NewReader(strings.NewReader(stream))
	for i, w := range want {
		resp, err := http.ReadResponse(nr, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != w {
			t.Fatalf("net/http reads response %d as %d, the test expects %d", i, resp.StatusCode, w)
		}
	}
	for _, bad := range []string{"HTTP/1.1 200 OK\r\n\r\n", "HTTX/1.1 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"} {
		if _, err := readResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestMergeSlots: the slots of an alternating measurement combine as one
// run over their total time would have measured.
func TestMergeSlots(t *testing.T) {
	msd := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	slots := []result{
		{Requests: 4, CPUus: 10, lat: msd(1, 1, 2, 9)},
		{Requests: 2, CPUus: 40, Errors: 1, FirstErr: "x", lat: msd(3, 4)},
	}
	got := merge("page 1", slots, 2*time.Second)
	if got.Name != "page 1" || got.Requests != 6 || got.Errors != 1 || got.FirstErr != "x" {
		t.Fatalf("merged %+v", got)
	}
	if got.RPS != 1.5 { // 6 requests over 2 slots of 2 s
		t.Errorf("RPS %v, want 1.5", got.RPS)
	}
	if got.CPUus != 20 { // (4×10 + 2×40) / 6
		t.Errorf("CPU/request %v, want 20", got.CPUus)
	}
	if got.P50 != 3 || got.P99 != 9 { // sorted: 1 1 2 3 4 9
		t.Errorf("p50 %v, p99 %v; want 3 and 9", got.P50, got.P99)
	}
}
