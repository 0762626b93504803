package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ripple-sim/ripple/plots"
	"github.com/ripple-sim/ripple/sim"
	"github.com/ripple-sim/ripple/sim/output"
)

// browserReport returns a small report with real figures: monthly MAU of
// two replicates, as a fan chart and an effect.
func browserReport(t *testing.T) plots.ReportData {
	t.Helper()
	var months []time.Time
	for m := sim.Date(2025, 9, 1); m.Before(sim.Date(2026, 7, 1)); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	monthly := func(r int, shock bool) sim.Tables {
		mau := make([]float64, len(months))
		for i, m := range months {
			mau[i] = 24e6 * (1 + 0.004*float64(r))
			if shock && !m.Before(sim.Date(2025, 12, 1)) {
				mau[i] *= 1 - 0.1*math.Exp(-float64(i-3)/3)
			}
		}
		return sim.Tables{Monthly: sim.Table{Dates: months, Metrics: []string{"mau"}, Values: [][]float64{mau}}}
	}
	var results []sim.Result
	for r := range 3 {
		results = append(results, sim.Result{Replicate: r, Shock: monthly(r, true), Twin: monthly(r, false)})
	}
	sum := output.Summarize(results)
	sc := sim.DefaultScenario()
	sc.Events = []sim.Event{{Date: sc.Disclosure, Type: sim.Incident, Accounts: 33.7e6},
		{Date: sc.Disclosure.AddDate(0, 0, 1), Type: sim.ProbeOpen}}
	opt := plots.Options{Caption: plots.Caption("browser", len(results), 1), Marks: plots.ScenarioMarks(&sc)}
	var figs []plots.ReportFigure
	for _, fig := range []struct {
		name string
		draw func(output.TableSummary, string, plots.Options) (*plots.Figure, error)
	}{{"fan_mau", plots.Fan}, {"effect_mau", plots.Effect}} {
		f, err := fig.draw(sum.Monthly, "mau", opt)
		if err != nil {
			t.Fatal(err)
		}
		rf, err := plots.ReportFigureOf(fig.name, f)
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, rf)
	}
	return plots.ReportData{
		Title:   "ripple report: browser test",
		Caption: opt.Caption,
		Headline: []plots.HeadlineRow{
			{ID: "CT-1", Statistic: "MAU(2026-01) / MAU(2025-12) - 1", Target: "-0.032 ± 0.004", Weight: "high",
				Mean: -0.031, Lo: -0.034, Hi: -0.028, Status: "pass"},
			{ID: "CT-2", Statistic: "December decline / January decline", Target: "0.067 .. 0.17", Weight: "high",
				Mean: 0.4, Lo: 0.3, Hi: 0.5, Status: "fail", Note: "December falls too fast"},
			{ID: "CT-4", Statistic: "DVA: fulfillment staff taking VTO", Target: ">= 5,000", Weight: "medium",
				Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), Status: "not computed"},
		},
		Figures:      figs,
		ScenarioTOML: "[scenario]\nname = \"browser\"\n",
		Provenance:   []plots.KeyValue{{Key: "ripple", Value: "test"}, {Key: "seed", Value: "1"}, {Key: "replicates", Value: "3"}},
	}
}

// chromium runs headless Chromium on url with further arguments, in a fresh
// profile, and returns its stdout.
func chromium(t *testing.T, bin, url string, args ...string) []byte {
	t.Helper()
	home, err := os.MkdirTemp("", "ripple-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // Chromium's helpers may still be closing files
		for range 20 {
			if os.RemoveAll(home) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + filepath.Join(home, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), url)...)
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, errs.String())
	}
	return out.Bytes()
}

var imgTag = regexp.MustCompile(`<img\b[^>]*>`)

// TestReportInBrowser renders a report, opens it in headless Chromium and
// checks the screenshot and the DOM. .ci/run installs Chromium.
func TestReportInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: runs without -short")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH; .ci/run installs it (Debian package chromium)")
	}
	data := browserReport(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := plots.Report(f, data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	url := "file://" + path

	// The screenshot exists, decodes and is not blank: enough non-white
	// pixels, many colours, and the shock's vermillion and the twin's blue
	// of the embedded figures.
	shot := filepath.Join(dir, "report.png")
	start := time.Now()
	chromium(t, bin, url, "--screenshot="+shot, "--window-size=1200,3000")
	t.Logf("screenshot in %v", time.Since(start).Round(time.Millisecond))
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the screenshot does not decode: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X != 1200 || sz.Y < 1000 {
		t.Errorf("screenshot size %v, want 1200 wide", sz)
	}
	nonWhite, colours, shock, twin := inspect(img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	t.Logf("screenshot: %.1f %% non-white, %d colours, %d vermillion and %d blue pixels",
		100*float64(nonWhite)/float64(total), colours, shock, twin)
	if nonWhite < total/50 {
		t.Errorf("the screenshot is nearly blank: %d of %d pixels non-white", nonWhite, total)
	}
	if colours < 16 {
		t.Errorf("the screenshot has %d colours", colours)
	}
	if shock < 200 || twin < 200 {
		t.Errorf("the figures do not show: %d vermillion and %d blue pixels", shock, twin)
	}
	// RIPPLE_REPORT_SCREENSHOT=FILE keeps the screenshot; a failure keeps it
	// in the temporary directory.
	keep := os.Getenv("RIPPLE_REPORT_SCREENSHOT")
	if keep == "" && t.Failed() {
		keep = filepath.Join(os.TempDir(), "ripple-report-screenshot.png")
	}
	if keep != "" {
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("screenshot kept in %s", keep)
	}

	// The DOM has the title, and every image a data: source that decodes.
	start = time.Now()
	dom := string(chromium(t, bin, url, "--dump-dom"))
	t.Logf("dump-dom in %v", time.Since(start).Round(time.Millisecond))
	if want := "<title>" + data.Title + "</title>"; !strings.Contains(dom, want) {
		t.Errorf("the DOM lacks %s", want)
	}
	imgs := imgTag.FindAllString(dom, -1)
	if len(imgs) != len(data.Figures) {
		t.Errorf("%d images in the DOM for %d figures", len(imgs), len(data.Figures))
	}
	for i, tag := range imgs {
		m := regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(tag)
		if m == nil {
			t.Errorf("image %d has no data: source: %.120s", i+1, tag)
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(m[1])
		if err == nil {
			_, err = png.DecodeConfig(bytes.NewReader(raw))
		}
		if err != nil {
			t.Errorf("image %d: broken data: source: %v", i+1, err)
		}
		if !strings.Contains(tag, `alt="`) || strings.Contains(tag, `alt=""`) {
			t.Errorf("image %d has no alt text", i+1)
		}
	}
	for _, h := range data.Headline {
		if !strings.Contains(dom, ">"+h.ID+"<") {
			t.Errorf("the DOM lacks headline row %s", h.ID)
		}
	}
}

// inspect counts the non-white pixels of img, its distinct colours, and the
// pixels close to the shock's vermillion and the twin's blue.
func inspect(img image.Image) (nonWhite, colours, shock, twin int) {
	seen := map[[3]uint32]bool{}
	near := func(r, g, b uint32, c [3]uint32) bool {
		d := func(x, y uint32) float64 { return float64(x) - float64(y) }
		return math.Sqrt(d(r, c[0])*d(r, c[0])+d(g, c[1])*d(g, c[1])+d(b, c[2])*d(b, c[2])) < 40
	}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if r < 250 || g < 250 || b < 250 {
				nonWhite++
			}
			seen[[3]uint32{r, g, b}] = true
			if near(r, g, b, [3]uint32{0xd5, 0x5e, 0x00}) {
				shock++
			}
			if near(r, g, b, [3]uint32{0x00, 0x72, 0xb2}) {
				twin++
			}
		}
	}
	return nonWhite, len(seen), shock, twin
}
