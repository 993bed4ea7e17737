package main

// The load generator: closed loop, keep-alive, N connections on loopback.
// Each connection is a goroutine that writes a prebuilt HTTP/1.1 request,
// reads the whole response (net/http's parser, chunked bodies included)
// and sends the next one; it stops by itself at the deadline. The client is
// deliberately thin (no http.Transport) so that it takes as little of the
// machine as it can from the server it measures.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
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
	Note     string  `json:"note,omitempty"`
	FirstErr string  `json:"first_error,omitempty"`
}

// load drives reqs (round robin, offset per connection) at addr with conns
// connections for warm+dur and measures the last dur.
func load(name, addr string, reqs []request, conns int, warm, dur time.Duration) result {
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
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					fail(err)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				t1 := time.Now()
				if err != nil {
					fail(err)
					continue
				}
				if resp.StatusCode != http.StatusOK {
					fail(fmt.Errorf("%s: status %d", reqs[i%len(reqs)].path, resp.StatusCode))
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
	for _, st := range per {
		all = append(all, st.lat...)
		res.Errors += st.errs
		if res.FirstErr == "" {
			res.FirstErr = st.firstErr
		}
	}
	slices.Sort(all)
	res.Requests = len(all)
	res.RPS = float64(len(all)) / dur.Seconds()
	if len(all) > 0 {
		res.P50 = ms(all[len(all)/2])
		res.P99 = ms(all[min(len(all)-1, len(all)*99/100)])
	}
	return res
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
