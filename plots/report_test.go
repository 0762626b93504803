package plots_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ripple-sim/ripple/plots"
)

// reportData is a small fixed report: four calibration rows (pass, fail, not
// computed with NaNs, another status), two tiny figures and text that must
// be escaped.
func reportData(t testing.TB) plots.ReportData {
	t.Helper()
	var figs []plots.ReportFigure
	for _, f := range []struct{ name, title, file string }{
		{"fan_dau", "DAU: breach and no-breach twin (daily)", "report_fan.png"},
		{"effect_dau", "Effect of the breach on DAU (daily)", "report_effect.png"},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, plots.ReportFigure{Name: f.name, Title: f.title, PNG: b})
	}
	nan := math.NaN()
	return plots.ReportData{
		Title:   "ripple report: kr_coupang_2025",
		Caption: plots.Caption("kr_coupang_2025", 8, 1),
		Headline: []plots.HeadlineRow{
			{ID: "CT-1", Statistic: "MAU(2026-01) / MAU(2025-12) - 1", Target: "-0.032 ± 0.004", Weight: "high",
				Mean: -0.0312, Lo: -0.0341, Hi: -0.0283, Status: "pass"},
			{ID: "CT-2", Statistic: "December decline / January decline", Target: "0.067 .. 0.17", Weight: "high",
				Mean: 0.41, Lo: 0.33, Hi: 0.5, Status: "fail", Note: "December falls too fast; see https://example.org/notes"},
			{ID: "CT-4", Statistic: "DVA[2025-12-01, 2026-01-15] <script>alert(1)</script>", Target: ">= 5,000", Weight: "medium",
				Mean: nan, Lo: nan, Hi: nan, Status: "", Note: "needs the agent engine"},
			{ID: "CT-7", Statistic: "Rival GMV share & growth", Target: "sign > 0", Weight: "low",
				Mean: 1234567.8, Lo: 1e6, Hi: 1.5e6, Status: "flag"},
		},
		Figures:      figs,
		ScenarioTOML: "[scenario]\nname = \"kr_coupang_2025\" # <b>not bold</b> & co\n",
		Provenance: []plots.KeyValue{
			{Key: "ripple", Value: "devel"}, {Key: "Go", Value: "go1.26.8"}, {Key: "OS/arch", Value: "linux/amd64"},
			{Key: "seed", Value: "1"}, {Key: "replicates", Value: "8"}, {Key: "consumer agents", Value: "100,000 (344 people each)"},
			{Key: "wall time", Value: "39.8 s"}, {Key: "start", Value: "2026-11-01T10:00:00Z"},
			{Key: "files", Value: "9 files, 12.3 MiB; manifest.json lists their sha256"},
		},
	}
}

func renderReport(t testing.TB, r plots.ReportData) string {
	t.Helper()
	var buf bytes.Buffer
	if err := plots.Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestReportGolden compares report.html of the fixed data with
// testdata/report.golden.html; -update writes it.
func TestReportGolden(t *testing.T) {
	got := renderReport(t, reportData(t))
	path := filepath.Join("testdata", "report.golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plots -run Report -update to create it)", err)
	}
	if got != string(want) {
		out := filepath.Join(os.TempDir(), "ripple-report.html")
		os.WriteFile(out, []byte(got), 0o644)
		t.Errorf("report.html differs from %s; got is in %s (go test ./plots -run Report -update accepts it)", path, out)
	}
}

var (
	attrRe = regexp.MustCompile(`(?i)\s(src|href|srcset|action|formaction|poster|data|background|cite|manifest)\s*=\s*"([^"]*)"`)
	tagRe  = regexp.MustCompile(`(?i)<(script|iframe|object|embed|link|base|frame)\b`)
)

func TestReportSelfContained(t *testing.T) {
	r := reportData(t)
	html := renderReport(t, r)

	// Nothing is fetched: every src is an embedded PNG, every href a fragment
	// of the page, no style sheet or font is imported and there is no script.
	for _, m := range attrRe.FindAllStringSubmatch(html, -1) {
		attr, val := strings.ToLower(m[1]), m[2]
		switch {
		case attr == "src" && strings.HasPrefix(val, "data:image/png;base64,"):
		case attr == "href" && strings.HasPrefix(val, "#"):
		default:
			t.Errorf("external or unexpected reference %s=%q", attr, val)
		}
	}
	if m := tagRe.FindString(html); m != "" {
		t.Errorf("the report has a %s element", m)
	}
	for _, s := range []string{"url(", "@import", "@font-face"} {
		if strings.Contains(html, s) {
			t.Errorf("the style sheet has %q", s)
		}
	}
	if !strings.Contains(html, `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`) {
		t.Error("no Content-Security-Policy forbidding fetches")
	}

	// Every figure is there as a data URI, with its title as alt text and a
	// reading guide.
	if n := strings.Count(html, "<img "); n != len(r.Figures) {
		t.Errorf("%d images for %d figures", n, len(r.Figures))
	}
	for _, f := range r.Figures {
		uri := `src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(f.PNG) + `"`
		if !strings.Contains(html, uri) {
			t.Errorf("figure %s is not embedded as a data URI", f.Name)
		}
		if !strings.Contains(html, `alt="`+f.Title+`"`) {
			t.Errorf("figure %s has no alt text %q", f.Name, f.Title)
		}
		if !strings.Contains(html, plots.FigureSentence(f.Name)) {
			t.Errorf("figure %s has no reading guide", f.Name)
		}
	}
	if !strings.Contains(html, `width="48" height="27"`) {
		t.Error("images lack their intrinsic size")
	}

	// The headline table has every row, its headers, markers and "—" for NaN.
	if n := strings.Count(html, `<tr class="row-`); n != len(r.Headline) {
		t.Errorf("%d headline rows, want %d", n, len(r.Headline))
	}
	for _, h := range r.Headline {
		if !strings.Contains(html, `<th scope="row">`+h.ID+`</th>`) {
			t.Errorf("no headline row %s", h.ID)
		}
	}
	for _, want := range []string{
		`<html lang="en">`, `<title>ripple report: kr_coupang_2025</title>`, `<th scope="col">Status</th>`,
		`-0.0312<span class="ci">[-0.0341, -0.0283]</span>`, `<span class="status pass">✓ pass</span>`,
		`<span class="status fail">✗ fail</span>`, `<td class="num">—</td>`,
		`<span class="status none">– not computed</span>`, `<span class="status other">flag</span>`,
		`1,234,568<span class="ci">[1,000,000, 1,500,000]</span>`,
		"Of 4 statistics, 1 passes, 1 fails, 1 has another status and 1 was not computed.",
		"<details>", "<dt>seed</dt><dd>1</dd>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The headline table comes before the figures.
	if strings.Index(html, "<table>") > strings.Index(html, "<figure") {
		t.Error("the headline table does not come first")
	}

	// Text is escaped.
	for _, bad := range []string{"<script>alert", "<b>not bold</b>", "share & growth"} {
		if strings.Contains(html, bad) {
			t.Errorf("unescaped text %q", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;not bold&lt;/b&gt; &amp; co", "share &amp; growth"} {
		if !strings.Contains(html, good) {
			t.Errorf("the report lacks escaped %q", good)
		}
	}
}

// TestReportWellFormed checks that every element of the page is closed and
// nested properly, by reading it as XML.
func TestReportWellFormed(t *testing.T) {
	for name, r := range map[string]plots.ReportData{"full": reportData(t), "empty": {}} {
		d := xml.NewDecoder(strings.NewReader(renderReport(t, r)))
		d.Strict = true
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
}

func TestReportEmpty(t *testing.T) {
	html := renderReport(t, plots.ReportData{})
	for _, want := range []string{"<title>ripple report</title>", "No calibration statistics were computed",
		"This run drew no figures.", "The scenario was not recorded.", "No provenance was recorded."} {
		if !strings.Contains(html, want) {
			t.Errorf("the empty report lacks %q", want)
		}
	}
	if strings.Contains(html, "<table>") || strings.Contains(html, "<img") {
		t.Error("the empty report has a table or an image")
	}
}

func TestReportBadFigure(t *testing.T) {
	err := plots.Report(io.Discard, plots.ReportData{Figures: []plots.ReportFigure{{Name: "fan_dau", PNG: []byte("GIF89a")}}})
	if err == nil || !strings.Contains(err.Error(), "fan_dau") {
		t.Errorf("got %v, want an error naming the figure", err)
	}
}

func TestReportFigureOf(t *testing.T) {
	f := figures(t)["effect"]
	rf, err := plots.ReportFigureOf("effect_dau", f)
	if err != nil {
		t.Fatal(err)
	}
	if rf.Title != f.Title || rf.Sentence != plots.FigureSentence("effect_dau") {
		t.Errorf("got title %q, sentence %q", rf.Title, rf.Sentence)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(rf.PNG))
	if err != nil || cfg.Width < 500 {
		t.Errorf("PNG: %v, %+v", err, cfg)
	}
}

// TestFigureSentence covers every figure name cmd/ripple/figures.go draws.
func TestFigureSentence(t *testing.T) {
	names := []string{"fan_mau", "policy", "trust_distribution", "courier_income_change", "merchant_revenue_change"}
	for _, m := range []string{"dau", "orders", "gmv", "merchants_alive", "merchant_sales", "courier_income_mean",
		"fc_worked_hours", "fc_vto_hours", "trust_mean", "aware_share", "media_attention", "ambiguity"} {
		names = append(names, "fan_"+m, "effect_"+m)
	}
	for _, n := range names {
		s := plots.FigureSentence(n)
		if s == "" || !strings.HasSuffix(s, ".") || strings.Count(s, ". ") > 0 {
			t.Errorf("FigureSentence(%q) = %q, want one sentence", n, s)
		}
	}
	if s := plots.FigureSentence("fan_dau"); !strings.Contains(s, "median DAU") || !strings.Contains(s, "dashed") {
		t.Errorf("fan_dau: %q", s)
	}
	if s := plots.FigureSentence("effect_fc_vto_hours"); !strings.Contains(s, "FC VTO hours") {
		t.Errorf("effect_fc_vto_hours: %q", s)
	}
	if s := plots.FigureSentence("nope"); s != "" {
		t.Errorf("unknown name: %q", s)
	}
}
