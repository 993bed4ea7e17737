package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// progress reports a long load: a redrawn bar with rows/s and ETA on a
// terminal, a plain line every few seconds otherwise (logs, CI).
type progress struct {
	w     io.Writer
	tty   bool
	start time.Time
	every time.Duration
	total float64 // of the unit done() measures; 0: unknown

	mu   sync.Mutex
	last time.Time
	drew bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func newProgress(w io.Writer, total float64) *progress {
	p := &progress{w: w, tty: isTerminal(w), start: time.Now(), total: total, every: 5 * time.Second}
	if p.tty {
		p.every = 200 * time.Millisecond
	}
	return p
}

// update reports rows (records loaded), items (owned copies) and done,
// the share of total behind them (bytes read, or items); phase names a
// step after the load (index, commit).
func (p *progress) update(rows, items int64, done float64, phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < p.every && phase == "load" {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(items) / max(el, 1e-9)
	eta := "?"
	frac := 0.0
	if p.total > 0 {
		frac = min(done/p.total, 1)
		if frac > 0 {
			eta = fmtDuration(time.Duration(el * (1 - frac) / frac * float64(time.Second)))
		}
	}
	if phase != "load" {
		eta = phase
	}
	if p.tty {
		fmt.Fprint(p.w, "\r"+barLine(termWidth(p.w), frac, rows, items, rate, eta))
		p.drew = true
		return
	}
	fmt.Fprintf(p.w, "progress: %.0f%% %d rows, %d owned items, %.0f items/s, elapsed %s, ETA %s\n",
		frac*100, rows, items, rate, fmtDuration(now.Sub(p.start)), eta)
}

// barLine is the bar's line for a terminal cols wide (0: unknown, taken
// as 80). It never reaches the last column: a line that wraps is redrawn
// from its last row, leaving the rows above behind on every update. The
// layout depends on the width only, so that it holds still as the
// figures grow: the rows and the word "owned" are left out under 91
// columns, the bar under 60, and what still does not fit is cut from the
// end (the ETA comes first).
func barLine(cols int, frac float64, rows, items int64, rate float64, eta string) string {
	if cols <= 0 {
		cols = 80
	}
	room := cols - 1
	// The longest the figures get (counts in the billions, ETA in hours).
	const fullMax, shortMax = 78, 52
	stats := fmt.Sprintf(" %3.0f%% ETA %s, %s items/s, %s items", frac*100, eta, group(int64(rate)), group(items))
	bar := min(30, room-2-shortMax)
	if room-2-fullMax >= 10 {
		stats = fmt.Sprintf(" %3.0f%% ETA %s, %s items/s, %s owned items, %s rows", frac*100, eta, group(int64(rate)), group(items), group(rows))
		bar = min(30, room-2-fullMax)
	}
	line := strings.TrimLeft(stats, " ")
	if bar >= 5 {
		n := int(frac * float64(bar))
		line = "[" + strings.Repeat("#", n) + strings.Repeat(".", bar-n) + "]" + stats
	}
	if len(line) > room {
		line = line[:max(room, 0)]
	}
	// Pad over what a longer line before it left.
	return line + strings.Repeat(" ", max(room-len(line), 0))
}

// finish ends the bar's line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drew {
		fmt.Fprintln(p.w)
		p.drew = false
	}
}

func fmtDuration(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
