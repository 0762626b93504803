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

// progress reports finished units on stderr: a bar on a terminal, plain
// lines at most every two seconds (and the last) otherwise, nothing if quiet.
// already units were done before this run (resumed); the time left is
// estimated from the others.
type progress struct {
	update func(done, total int) // after each finished unit
	finish func()                // after the batch returns
}

func newProgress(w io.Writer, quiet bool, total, already int, noun string) progress {
	if quiet {
		return progress{update: func(int, int) {}, finish: func() {}}
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return barProgress(w, total, already, noun)
	}
	return lineProgress(w, already, noun)
}

// left estimates the time left from the pace of the units done since start.
func left(el time.Duration, done, already, total int) time.Duration {
	if done <= already {
		return 0
	}
	return el / time.Duration(done-already) * time.Duration(total-done)
}

func lineProgress(w io.Writer, already int, noun string) progress {
	start := time.Now()
	last := start
	update := func(done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < 2*time.Second {
			return
		}
		last = now
		el := now.Sub(start)
		line := fmt.Sprintf("ripple: %d/%d %s done, %s elapsed", done, total, noun, seconds(el))
		if done < total {
			line += ", ~" + seconds(left(el, done, already, total)) + " left"
		}
		fmt.Fprintln(w, line)
	}
	return progress{update: update, finish: func() {}}
}

// barProgress draws a bar with the count and elapsed time, and its own
// estimate of the time left (the bar's own needs many small steps). A ticker
// keeps the clock moving between replicates, which may take minutes each.
func barProgress(w io.Writer, total, already int, desc string) progress {
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
	bar.Set(already)
	start := time.Now()
	var mu sync.Mutex
	done := already
	var eta time.Time // expected end, from the mean time per finished replicate
	describe := func() {
		if done > already && done < total {
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
		eta = start.Add(el + left(el, done, already, total))
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
