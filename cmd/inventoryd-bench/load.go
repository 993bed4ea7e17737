package main

// The load generator: closed loop, keep-alive, N connections on loopback.
// Each connection is a goroutine that writes a prebuilt HTTP/1.1 request,
// reads the whole response (net/http's parser, chunked bodies included)
// and sends the next one; it stops by itself at the deadline. The client is
// deliberately thin (no http.Transport) so that it takes as little of the
// machine as it can from the server it measures.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// request is one prebuilt request.
type request struct {
	path   string
	cookie string
}

func (r request) wire(host string) []byte {
	s := "GET " + r.path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: inventoryd-bench\r\nAccept: application/json\r\n"
	if r.cookie != "" {
		s += "Cookie: .ROBLOSECURITY=" + r.cookie + "\r\n"
	}
	return []byte(s + "\r\n")
}

// result is what one load run measured.
type result struct {
	Name     string  `json:"name"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Ratio    float64 `json:"ratio"`
	CPUus    float64 `json:"cpu_us_per_request"` // server user+system CPU over the measured window ÷ requests
	Note     string  `json:"note,omitempty"`
	FirstErr string  `json:"first_error,omitempty"`
	// lat holds the measured latencies, sorted, for merging the slots
	// of an alternating measurement (alternate).
	lat []time.Duration
}

// load drives reqs (round robin, offset per connection) at addr with conns
// connections for warm+dur and measures the last dur. With pid > 0 it also
// reads that server's user+system CPU time (/proc/pid/stat) at the start of
// the measured window and after the last request, for CPU per request.
func load(name, addr string, pid int, reqs []request, conns int, warm, dur time.Duration) result {
	wires := make([][]byte, len(reqs))
	for i, r := range reqs {
		wires[i] = r.wire(addr)
	}
	start := time.Now()
	measureFrom := start.Add(warm)
	deadline := measureFrom.Add(dur)
	type stats struct {
		lat      []time.Duration
		errs     int
		firstErr string
	}
	per := make([]stats, conns)
	cpu0 := make(chan float64, 1)
	if pid > 0 {
		go func() {
			time.Sleep(time.Until(measureFrom))
			cpu0 <- cpuSeconds(pid)
		}()
	}
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &per[c]
			st.lat = make([]time.Duration, 0, 1<<14)
			var conn net.Conn
			var br *bufio.Reader
			fail := func(err error) {
				st.errs++
				if st.firstErr == "" {
					st.firstErr = err.Error()
				}
				if conn != nil {
					conn.Close()
					conn = nil
				}
				time.Sleep(10 * time.Millisecond)
			}
			defer func() {
				if conn != nil {
					conn.Close()
				}
			}()
			for i := c; ; i++ {
				t0 := time.Now()
				if t0.After(deadline) {
					return
				}
				if conn == nil {
					var err error
					conn, err = net.DialTimeout("tcp", addr, 5*time.Second)
					if err != nil {
						fail(err)
						continue
					}
					br = bufio.NewReaderSize(conn, 64<<10)
					t0 = time.Now()
				}
				_ = conn.SetDeadline(t0.Add(10 * time.Second))
				if _, err := conn.Write(wires[i%len(wires)]); err != nil {
					fail(err)
					continue
				}
				status, err := readResponse(br)
				t1 := time.Now()
				if err != nil {
					fail(err)
					continue
				}
				if status != http.StatusOK {
					fail(fmt.Errorf("%s: status %d", reqs[i%len(reqs)].path, status))
					continue
				}
				if t0.After(measureFrom) {
					st.lat = append(st.lat, t1.Sub(t0))
				}
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	res := result{Name: name}
	var cpu float64
	if pid > 0 {
		cpu = cpuSeconds(pid) - <-cpu0
	}
	for _, st := range per {
		all = append(all, st.lat...)
		res.Errors += st.errs
		if res.FirstErr == "" {
			res.FirstErr = st.firstErr
		}
	}
	slices.Sort(all)
	res.lat = all
	res.Requests = len(all)
	res.RPS = float64(len(all)) / dur.Seconds()
	if len(all) > 0 {
		res.P50 = ms(all[len(all)/2])
		res.P99 = ms(all[min(len(all)-1, len(all)*99/100)])
		res.CPUus = cpu * 1e6 / float64(len(all))
	}
	return res
}

// merge combines the results of slots measured for dur each into one
// result under name: requests and errors add up, requests/s is over the
// slots' total time, CPU per request is weighted by requests, and p50 and
// p99 come from all the latencies together.
func merge(name string, slots []result, dur time.Duration) result {
	res := result{Name: name}
	var cpu float64
	for _, s := range slots {
		res.Requests += s.Requests
		res.Errors += s.Errors
		if res.FirstErr == "" {
			res.FirstErr = s.FirstErr
		}
		cpu += s.CPUus * float64(s.Requests)
		res.lat = append(res.lat, s.lat...)
	}
	slices.Sort(res.lat)
	if len(slots) > 0 {
		res.RPS = float64(res.Requests) / (dur.Seconds() * float64(len(slots)))
	}
	if n := len(res.lat); n > 0 {
		res.P50 = ms(res.lat[n/2])
		res.P99 = ms(res.lat[min(n-1, n*99/100)])
		res.CPUus = cpu / float64(res.Requests)
	}
	return res
}

// readResponse reads one HTTP/1.1 response from br and discards its body
// (Content-Length or chunked), returning the status code. It is the load
// generator's hot loop: net/http's ReadResponse built a header map and a
// body reader per response, generator CPU that the server, on the same
// two cores, did not get (TestResponseReader checks it against net/http).
func readResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return 0, fmt.Errorf("bad header %q", h)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	switch {
	case chunked:
		for {
			l, err := br.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			l, _, _ = bytes.Cut(bytes.TrimRight(l, "\r\n"), []byte(";"))
			n, err := strconv.ParseInt(string(l), 16, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("bad chunk size %q", l)
			}
			if n == 0 { // trailers, then the empty line
				for {
					t, err := br.ReadSlice('\n')
					if err != nil {
						return 0, err
					}
					if len(bytes.TrimRight(t, "\r\n")) == 0 {
						return status, nil
					}
				}
			}
			if _, err := br.Discard(int(n) + 2); err != nil {
				return 0, err
			}
		}
	case length >= 0:
		_, err := br.Discard(length)
		return status, err
	default:
		return 0, fmt.Errorf("status %d: no Content-Length and not chunked (the connection would have to close)", status)
	}
}

// cpuSeconds is the user+system CPU time of a process (/proc/pid/stat fields
// 14 and 15, in clock ticks of 1/100 s, the Linux USER_HZ).
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 { // the command name may hold spaces
		s = s[i+1:]
	}
	f := strings.Fields(s) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// get fetches one URL and returns its body (for walking cursors).
func get(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(url + ": " + resp.Status + ": " + string(b))
	}
	return b, nil
}
