package main

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Machine describes where the figures were measured.
type Machine struct {
	CPUs  int     `json:"cpus"`
	CPU   string  `json:"cpu"`
	MemGB float64 `json:"mem_gb"`
	Go    string  `json:"go"`
	OS    string  `json:"os"`
}

// Run is one store at one data set size.
type Run struct {
	Store       string       `json:"store"`
	Items       int          `json:"items"`
	BaselineRPS float64      `json:"baseline_rps"`
	PeakRSSMB   float64      `json:"peak_rss_mb"`
	Results     []result     `json:"results"`
	Depth       []depthPoint `json:"depth"`
}

// Report is a whole harness run.
type Report struct {
	When     string  `json:"when"`
	Command  string  `json:"command"`
	Machine  Machine `json:"machine"`
	Conns    int     `json:"conns"`
	Duration string  `json:"duration"`
	Runs     []Run   `json:"runs"`
	LoadAvg  string  `json:"load_avg"` // /proc/loadavg (1, 5, 15 min) at the start and the end of the run
}

// targets are the ratios (of the baseline; pages: of page 1).
var targets = map[string]float64{
	"is-owned":                       0.70,
	"inventory by type, limit 10":    0.55,
	"owners of a limited, limit 100": 0.25,
}

const (
	beginMarker = "<!-- bench-results:begin (written by cmd/inventoryd-bench -docs) -->"
	endMarker   = "<!-- bench-results:end -->"
)

func (r *Report) markdown(svgName string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s with `%s`.\n\n", r.When, r.Command)
	fmt.Fprintf(&b, "Machine: %d CPUs (`nproc`), %s, %.0f GB RAM, %s, %s. Load: %d keep-alive connections, closed loop, %s measured per path after a warm-up; the load generator runs on the same machine. Load average (1, 5, 15 min) at the start → end of the run: %s.\n\n",
		r.Machine.CPUs, r.Machine.CPU, r.Machine.MemGB, r.Machine.Go, r.Machine.OS, r.Conns, r.Duration, r.LoadAvg)
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "#### %s, %s owned items\n\n", run.Store, formatSize(run.Items))
		fmt.Fprintf(&b, "Baseline %.0f req/s (mean of the runs before and after). Server peak RSS during the run: %.0f MB.\n\n", run.BaselineRPS, run.PeakRSSMB)
		b.WriteString("| path | requests/s | p50 ms | p99 ms | ratio of baseline | server CPU µs/request | target | errors | what |\n|---|---:|---:|---:|---:|---:|---|---:|---|\n")
		var page1 float64
		for _, res := range run.Results {
			if res.Name == "page 1" {
				page1 = res.RPS
			}
		}
		for _, res := range run.Results {
			tgt := ""
			if t, ok := targets[res.Name]; ok {
				tgt = fmt.Sprintf(">= %.2f %s", t, mark(res.Ratio >= t))
			} else if strings.HasPrefix(res.Name, "page ") && res.Name != "page 1" && page1 > 0 {
				tgt = fmt.Sprintf(">= 0.90 of page 1: %.2f %s", res.RPS/page1, mark(res.RPS/page1 >= 0.9))
			}
			if res.P99 >= 10 {
				tgt += " p99 ✗"
			}
			fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %.2f | %.0f | %s | %d | %s |\n", res.Name, res.RPS, res.P50, res.P99, res.Ratio, res.CPUus, tgt, res.Errors, res.Note)
		}
		if len(run.Depth) > 0 {
			b.WriteString("\nLatency against page depth (same request, cursor from walking):\n\n| page | requests/s | p50 ms | p99 ms |\n|---:|---:|---:|---:|\n")
			for _, d := range run.Depth {
				fmt.Fprintf(&b, "| %d | %.0f | %.2f | %.2f |\n", d.Page, d.RPS, d.P50, d.P99)
			}
		}
		b.WriteString("\n")
	}
	if svgName != "" {
		fmt.Fprintf(&b, "![throughput per endpoint and latency against page depth](%s)\n", svgName)
	}
	return b.String()
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func (r *Report) write(out, docs string) error {
	r.When = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	r.LoadAvg += " → " + loadAvg()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	j, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "results.json"), j, 0o644); err != nil {
		return err
	}
	svg := r.svg()
	if err := os.WriteFile(filepath.Join(out, "performance.svg"), []byte(svg), 0o644); err != nil {
		return err
	}
	md := r.markdown("performance.svg")
	if err := os.WriteFile(filepath.Join(out, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print(md)
	if docs == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(docs), "performance.svg"), []byte(svg), 0o644); err != nil {
		return err
	}
	old, err := os.ReadFile(docs)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	block := beginMarker + "\n" + md + endMarker
	s := string(old)
	i, k := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i >= 0 && k > i {
		s = s[:i] + block + s[k+len(endMarker):]
	} else {
		s += "\n## Results\n\n" + block + "\n"
	}
	return os.WriteFile(docs, []byte(s), 0o644)
}

// svg draws two panels: throughput per endpoint as a ratio of the baseline
// (one bar per store), and p50/p99 latency against page depth (log x).
func (r *Report) svg() string {
	const w, rowH, left, right = 900, 18, 250, 60
	// Panel 1 rows: the paths of the first run, one bar per run.
	var names []string
	seen := map[string]bool{}
	for _, run := range r.Runs {
		for _, res := range run.Results {
			if !seen[res.Name] && !strings.HasPrefix(res.Name, "depth") {
				seen[res.Name] = true
				names = append(names, res.Name)
			}
		}
	}
	colors := []string{"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"}
	nr := max(1, len(r.Runs))
	p1h := 40 + len(names)*(rowH*nr+8) + 30
	p2top, p2h := p1h+20, 300
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", w, p2top+p2h+40)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="15" font-weight="bold">Throughput per endpoint, ratio of the net/http baseline (%d connections)</text>`+"\n", r.Conns)
	maxRatio := 1.0
	for _, run := range r.Runs {
		for _, res := range run.Results {
			maxRatio = math.Max(maxRatio, res.Ratio)
		}
	}
	scale := float64(w-left-right) / maxRatio
	y := 40
	for _, name := range names {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, y+rowH*nr/2+4, html.EscapeString(name))
		for ri, run := range r.Runs {
			for _, res := range run.Results {
				if res.Name != name {
					continue
				}
				bw := res.Ratio * scale
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, left, y+ri*rowH, bw, rowH-3, colors[ri%len(colors)])
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10">%.2f (%.0f/s)</text>`+"\n", float64(left)+bw+4, y+ri*rowH+rowH-6, res.Ratio, res.RPS)
			}
		}
		y += rowH*nr + 8
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="35" x2="%.1f" y2="%d" stroke="#888" stroke-dasharray="4,3"/>`+"\n", float64(left)+scale, float64(left)+scale, y)
	for ri, run := range r.Runs {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="10" fill="%s"/><text x="%d" y="%d">%s, %s owned items</text>`+"\n",
			left+ri*220, y+8, colors[ri%len(colors)], left+ri*220+16, y+17, run.Store, formatSize(run.Items))
	}
	// Panel 2: latency against depth.
	fmt.Fprintf(&b, `<text x="10" y="%d" font-size="15" font-weight="bold">Latency against page depth (v2 inventory by type, limit 10; solid p50, dashed p99)</text>`+"\n", p2top)
	px0, py0, pw, ph := 80, p2top+20, w-160, p2h-50
	maxPage, maxLat := 10, 1.0
	for _, run := range r.Runs {
		for _, d := range run.Depth {
			maxPage = max(maxPage, d.Page)
			maxLat = math.Max(maxLat, d.P99)
		}
	}
	maxLat = math.Ceil(maxLat*1.1*2) / 2
	lx := func(p int) float64 {
		return float64(px0) + math.Log10(float64(p))/math.Log10(float64(maxPage))*float64(pw)
	}
	ly := func(v float64) float64 { return float64(py0+ph) - v/maxLat*float64(ph) }
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>`+"\n", px0, py0, pw, ph)
	for p := 1; p <= maxPage; p *= 10 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n", lx(p), py0+ph+15, p)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">page number (log)</text>`+"\n", px0+pw/2, py0+ph+32)
	for i := 0; i <= 4; i++ {
		v := maxLat * float64(i) / 4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%.1f ms</text><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", px0-5, ly(v)+4, v, px0, ly(v), px0+pw, ly(v))
	}
	for ri, run := range r.Runs {
		if len(run.Depth) == 0 {
			continue
		}
		for k, dash := range []string{"", ` stroke-dasharray="6,4"`} {
			var pts []string
			for _, d := range run.Depth {
				v := d.P50
				if k == 1 {
					v = d.P99
				}
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", lx(d.Page), ly(v)))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), colors[ri%len(colors)], dash)
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// loadAvg is the 1, 5 and 15 minute load averages from /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
