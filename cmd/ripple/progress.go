package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports finished replicates on stderr: a bar on a terminal, plain
// lines at most every two seconds (and the last) otherwise, nothing if quiet.
type progress struct {
	update func(done, total int) // sim.BatchOptions.Progress
	finish func()                // after RunBatch returns
}

func newProgress(w io.Writer, quiet bool, total int) progress {
	if quiet {
		return progress{update: func(int, int) {}, finish: func() {}}
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return barProgress(w, total)
	}
	return lineProgress(w)
}

func lineProgress(w io.Writer) progress {
	start := time.Now()
	last := start
	update := func(done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < 2*time.Second {
			return
		}
		last = now
		el := now.Sub(start)
		line := fmt.Sprintf("ripple: %d/%d replicates (shock+twin) done, %s elapsed", done, total, seconds(el))
		if done < total {
			line += ", ~" + seconds(el/time.Duration(done)*time.Duration(total-done)) + " left"
		}
		fmt.Fprintln(w, line)
	}
	return progress{update: update, finish: func() {}}
}

// barProgress draws a bar with the count and elapsed time, and its own
// estimate of the time left (the bar's own needs many small steps). A ticker
// keeps the clock moving between replicates, which may take minutes each.
func barProgress(w io.Writer, total int) progress {
	const desc = "replicates (shock+twin)"
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetRenderBlankState(true),
	)
	start := time.Now()
	var mu sync.Mutex
	var done int
	var eta time.Time // expected end, from the mean time per finished replicate
	describe := func() {
		if done > 0 && done < total {
			bar.Describe(fmt.Sprintf("%s, ~%s left", desc, seconds(max(0, time.Until(eta)))))
		}
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				mu.Lock()
				describe()
				bar.Add(0)
				mu.Unlock()
			}
		}
	}()
	update := func(d, _ int) {
		mu.Lock()
		defer mu.Unlock()
		done = d
		el := time.Since(start)
		eta = start.Add(el / time.Duration(done) * time.Duration(total))
		describe()
		if done == total {
			bar.Describe(desc)
		}
		bar.Set(done)
	}
	finish := func() {
		close(stop)
		<-stopped
		fmt.Fprintln(w)
	}
	return progress{update: update, finish: finish}
}
