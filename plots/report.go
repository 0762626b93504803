package plots

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReportData is the content of a run's report.html: the calibration
// statistics against their seed figures, the figures with a sentence each
// on how to read them, the resolved scenario and the run's provenance. It
// holds plain values, so any caller can fill it.
type ReportData struct {
	Title        string // the page's title and heading
	Caption      string // a line under the heading, such as Caption returns
	Headline     []HeadlineRow
	Figures      []ReportFigure
	ScenarioTOML string     // the complete resolved scenario, shown folded
	Provenance   []KeyValue // in display order: version, Go, OS/arch, seed, replicates, ...
}

// HeadlineRow is one calibration statistic: what it measures, its target (as
// the seed figure states it, e.g. "-3.2 % ± 0.4"), the target's weight, the
// simulated mean with its 95 % confidence interval (NaN: unknown), and the
// verdict. Status is "pass", "fail" or "not computed" ("" means not
// computed); any other status is shown as it is, without a verdict mark.
type HeadlineRow struct {
	ID, Statistic, Target, Weight string
	Mean, Lo, Hi                  float64
	Suffix                        string // unit after each number, such as "%"
	Status, Note                  string
}

// ReportFigure is one figure of the report: its file name without the
// extension (e.g. "fan_dau"), its title (also the image's alt text), a
// sentence on how to read it ("" for FigureSentence(Name)) and the PNG.
type ReportFigure struct {
	Name, Title, Sentence string
	PNG                   []byte
}

// KeyValue is one line of the report's provenance table.
type KeyValue struct {
	Key, Value string
}

// ReportFigureOf renders a figure as PNG for the report, titled with the
// figure's title and explained by FigureSentence(name).
func ReportFigureOf(name string, f *Figure) (ReportFigure, error) {
	wt, err := f.WriterTo("png")
	if err != nil {
		return ReportFigure{}, fmt.Errorf("plots: report figure %s: %w", name, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return ReportFigure{}, fmt.Errorf("plots: report figure %s: %w", name, err)
	}
	return ReportFigure{Name: name, Title: f.Title, Sentence: FigureSentence(name), PNG: buf.Bytes()}, nil
}

// FigureSentence returns a one-sentence guide to reading a standard figure of
// a run, by its file name without the extension: fan_METRIC, effect_METRIC,
// policy, trust_distribution, courier_income_change, merchant_revenue_change
// (and response_..., response_lines_...). It returns "" for a name it does not know.
func FigureSentence(name string) string {
	switch name {
	case "policy":
		return "Each row is a cumulative effect of the breach over the whole run on one group " +
			"(the run with the breach minus its no-breach twin, replicate by replicate): the point is the mean " +
			"over replicates and the bar its 95 % interval, so a bar that crosses the zero line cannot be told " +
			"apart from no effect."
	case "sweep_policy":
		return "One row per lever set of the sweep, the first being the case: the point is the mean cumulative " +
			"effect of the breach on each group under that lever set (the run with the breach minus its no-breach " +
			"twin, replicate by replicate) and the bar its 95 % interval."
	case "sweep_vs_case":
		return "One row per lever set other than the case: the point is the mean difference it makes to each " +
			"group's cumulative outcome against the case lever set, on the same random numbers, and the bar its " +
			"95 % interval; a bar that crosses the zero line cannot be told apart from the case."
	case "trust_distribution":
		return "The solid line is the median trust across account holders in the run with the breach and the " +
			"shaded band the middle 80 % of them (P10 to P90), each averaged over replicates; the dashed lines " +
			"are the same for its no-breach twin."
	case "courier_income_change":
		return "The solid line is the median change in couriers' income across couriers in the run with the " +
			"breach, taken at each month's end, and the shaded band the middle 80 % of couriers (P10 to P90), " +
			"each averaged over replicates; the dashed lines are the same for its no-breach twin."
	case "merchant_revenue_change":
		return "For all merchants and for each class of perishability and platform dependence, the filled box " +
			"is the run with the breach and the open one its no-breach twin: the box spans the middle half of " +
			"merchants' revenue change against the base window, the thick bar P10 to P90, the whiskers P5 to " +
			"P95 and the black tick the median, each averaged over replicates."
	}
	switch {
	case strings.HasPrefix(name, "fan_"):
		m := Name(strings.TrimPrefix(name, "fan_"))
		return "The solid line is the median " + m + " over replicates of the run with the breach and the " +
			"dashed line that of its no-breach twin; around each, the darker band is where the middle 50 % of " +
			"replicates fall (P25 to P75) and the lighter one where 90 % of them fall (P5 to P95)."
	case strings.HasPrefix(name, "effect_"):
		m := Name(strings.TrimPrefix(name, "effect_"))
		return "The line is the mean effect of the breach on " + m + " (the run with the breach minus its " +
			"no-breach twin, replicate by replicate); the darker band is its 95 % interval, the lighter one " +
			"where 90 % of replicates fall (P5 to P95), and where the bands leave the zero line the breach " +
			"made a difference."
	case strings.HasPrefix(name, "response_lines"):
		return "Each line joins the mean outcome at each value of the lever on the x axis, one line per value " +
			"of a second lever; the bars are the 95 % intervals of the means, set slightly apart."
	case strings.HasPrefix(name, "response"):
		return "The line joins the mean outcome at each value of the lever; the darker band (or bar) is the " +
			"95 % interval of the mean and the lighter one where 90 % of replicates fall (P5 to P95)."
	}
	return ""
}

// Report writes a self-contained HTML5 page (report.html) from r: inline
// CSS, figures as base64 PNG data URIs, no script and nothing fetched from
// the network (a Content-Security-Policy forbids it). The calibration table
// comes first, then the figures, the scenario (folded) and the provenance.
// Every text of r is escaped. Report fails on a figure that is not a PNG.
func Report(w io.Writer, r ReportData) error {
	v := reportView{Title: r.Title, Caption: r.Caption, TOML: r.ScenarioTOML, Provenance: r.Provenance}
	if v.Title == "" {
		v.Title = "ripple report"
	}
	counts := map[string]int{}
	for _, h := range r.Headline {
		row := headlineView{HeadlineRow: h}
		row.Class, row.Label = statusOf(h.Status)
		counts[row.Class]++
		mag := maxAbs(h.Mean, h.Lo, h.Hi)
		row.MeanText = formatReportNumber(h.Mean, mag)
		if finite(h.Mean) {
			row.MeanText += h.Suffix
		}
		if finite(h.Lo) || finite(h.Hi) {
			row.Interval = "[" + formatReportNumber(h.Lo, mag) + h.Suffix + ", " + formatReportNumber(h.Hi, mag) + h.Suffix + "]"
		}
		v.Headline = append(v.Headline, row)
	}
	v.Verdict = verdict(len(r.Headline), counts)
	seen := map[string]int{}
	for i, f := range r.Figures {
		cfg, err := png.DecodeConfig(bytes.NewReader(f.PNG))
		if err != nil {
			return fmt.Errorf("plots: report: figure %d (%s): not a PNG: %w", i+1, f.Name, err)
		}
		// The attribute is written as it is: base64 needs no escaping, and
		// html/template would write each + as &#43;.
		fv := figureView{Title: f.Title, Sentence: f.Sentence, Width: cfg.Width, Height: cfg.Height,
			Src: template.HTMLAttr(`src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(f.PNG) + `"`)}
		if fv.Title == "" {
			fv.Title = f.Name
		}
		if fv.Title == "" {
			fv.Title = fmt.Sprintf("Figure %d", i+1)
		}
		if fv.Sentence == "" {
			fv.Sentence = FigureSentence(f.Name)
		}
		fv.ID = "fig-" + anchor(f.Name, i+1)
		if seen[fv.ID]++; seen[fv.ID] > 1 {
			fv.ID += "-" + strconv.Itoa(seen[fv.ID])
		}
		v.Figures = append(v.Figures, fv)
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("plots: report: %w", err)
	}
	_, err := buf.WriteTo(w)
	if err != nil {
		return fmt.Errorf("plots: report: %w", err)
	}
	return nil
}

// reportView is what the template shows.
type reportView struct {
	Title, Caption string
	Verdict        string
	Headline       []headlineView
	Figures        []figureView
	TOML           string
	Provenance     []KeyValue
}

type headlineView struct {
	HeadlineRow
	Class, Label       string // CSS class (pass, fail, none, other) and the marker's text
	MeanText, Interval string
}

type figureView struct {
	ID, Title, Sentence string
	Src                 template.HTMLAttr // src="data:image/png;base64,..."
	Width, Height       int
}

// statusOf returns a status's CSS class and its marker text.
func statusOf(s string) (class, label string) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pass", "passed", "ok":
		return "pass", "✓ pass"
	case "fail", "failed":
		return "fail", "✗ fail"
	case "", "not computed", "not_computed", "n/a", "na", "missing", "skipped":
		return "none", "– not computed"
	}
	return "other", s
}

// verdict summarizes the statuses of n rows, e.g. "Of 11 statistics, 4 pass,
// 5 fail and 2 were not computed."
func verdict(n int, counts map[string]int) string {
	if n == 0 {
		return ""
	}
	var parts []string
	for _, k := range []struct{ class, one, many string }{
		{"pass", "passes", "pass"}, {"fail", "fails", "fail"},
		{"other", "has another status", "have another status"}, {"none", "was not computed", "were not computed"},
	} {
		switch c := counts[k.class]; c {
		case 0:
		case 1:
			parts = append(parts, "1 "+k.one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", c, k.many))
		}
	}
	s := "statistics"
	if n == 1 {
		s = "statistic"
	}
	list := parts[0]
	if k := len(parts); k > 1 {
		list = strings.Join(parts[:k-1], ", ") + " and " + parts[k-1]
	}
	return fmt.Sprintf("Of %d %s, %s.", n, s, list)
}

// formatReportNumber formats v to three significant digits of mag, the
// largest magnitude it is shown with, and large values as whole numbers with
// thousands separators; "—" for NaN or an infinity.
func formatReportNumber(v, mag float64) string {
	if !finite(v) {
		return "—"
	}
	if mag == 0 {
		mag = math.Abs(v)
	}
	if mag >= 1000 {
		s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
		var b strings.Builder
		if math.Round(v) < 0 {
			b.WriteByte('-')
		}
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	d := 2
	if mag > 0 {
		d = min(max(0, 2-int(math.Floor(math.Log10(mag)))), 8)
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// anchor returns a figure name as an id fragment: letters, digits, - and _.
func anchor(name string, n int) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return strconv.Itoa(n)
	}
	return b.String()
}

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// reportHTML is the page. It is also well-formed XML (void elements closed,
// no & or < in the style sheet), which the tests check.
const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'" />
<meta name="generator" content="ripple" />
<meta name="color-scheme" content="light" />
<title>{{.Title}}</title>
<style>
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d0d0d0; --soft: #f5f5f3;
  --pass: #17692f; --pass-bg: #e3f1e6; --fail: #a3231a; --fail-bg: #f8e3e1; --none: #555555; --none-bg: #ececec; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; padding: 2rem 1.25rem 4rem; color: var(--ink); background: #ffffff;
  font-family: "Liberation Sans", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
p { margin: 0 0 0.75rem; }
.caption { color: var(--muted); margin: 0 0 1.5rem; }
.verdict { font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 0.5rem; caption-side: top; }
th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
td.target { min-width: 8.5rem; }
.ci { display: block; color: var(--muted); font-size: 0.8rem; }
.note { display: block; color: var(--muted); font-size: 0.8rem; margin-top: 0.2rem; }
.status { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.25rem; font-weight: 600; white-space: nowrap; }
.status.pass { color: var(--pass); background: var(--pass-bg); }
.status.fail { color: var(--fail); background: var(--fail-bg); }
.status.none { color: var(--none); background: var(--none-bg); font-weight: 400; }
.status.other { color: var(--ink); background: var(--soft); }
nav ol { columns: 2; column-gap: 2rem; margin: 0 0 1rem; padding-left: 1.5rem; font-size: 0.9rem; }
nav a { color: #0b4f8a; }
figure { margin: 0 0 2.5rem; padding: 0; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { margin-top: 0.5rem; font-size: 0.95rem; }
details { margin: 0 0 1rem; border: 1px solid var(--rule); border-radius: 0.25rem; padding: 0.5rem 0.75rem; background: var(--soft); }
summary { cursor: pointer; font-weight: 600; }
pre { overflow-x: auto; font-size: 0.8rem; line-height: 1.4; margin: 0.75rem 0 0; white-space: pre;
  font-family: "Liberation Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.25rem; font-size: 0.9rem; margin: 0; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; overflow-wrap: anywhere; font-family: "Liberation Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; }
@media print {
  @page { margin: 1.5cm; }
  body { padding: 0; font-size: 10pt; }
  main { max-width: none; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .status { border: 1px solid currentColor; }
  details { background: none; }
}
</style>
</head>
<body>
<main>
<header>
<h1>{{.Title}}</h1>
{{- if .Caption}}
<p class="caption">{{.Caption}}</p>
{{- end}}
</header>

<section aria-labelledby="calibration">
<h2 id="calibration">Calibration against the seed figures</h2>
{{- if .Headline}}
<p class="verdict">{{.Verdict}}</p>
<table>
<caption>Each statistic of the run with the breach against its target: the simulated mean over replicates, its 95 % confidence interval below it, and whether the mean meets the target.</caption>
<thead>
<tr><th scope="col">ID</th><th scope="col">Statistic</th><th scope="col">Target</th><th scope="col">Weight</th><th scope="col" class="num">Simulated mean (95 % CI)</th><th scope="col">Status</th></tr>
</thead>
<tbody>
{{- range .Headline}}
<tr class="row-{{.Class}}"><th scope="row">{{.ID}}</th><td>{{.Statistic}}{{if .Note}}<span class="note">{{.Note}}</span>{{end}}</td><td class="target">{{.Target}}</td><td>{{.Weight}}</td><td class="num">{{.MeanText}}{{if .Interval}}<span class="ci">{{.Interval}}</span>{{end}}</td><td><span class="status {{.Class}}">{{.Label}}</span></td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No calibration statistics were computed for this run.</p>
{{- end}}
</section>

<section aria-labelledby="figures">
<h2 id="figures">Figures</h2>
{{- if .Figures}}
<p>Grey dashed vertical lines mark the scenario's key dates; the line at the foot of each figure names the scenario, the number of replicates and the seed.</p>
<nav aria-label="List of figures">
<ol>
{{- range .Figures}}
<li><a href="#{{.ID}}">{{.Title}}</a></li>
{{- end}}
</ol>
</nav>
{{- range .Figures}}
<figure id="{{.ID}}">
<img {{.Src}} alt="{{.Title}}" width="{{.Width}}" height="{{.Height}}" />
{{- if .Sentence}}
<figcaption>{{.Sentence}}</figcaption>
{{- end}}
</figure>
{{- end}}
{{- else}}
<p>This run drew no figures.</p>
{{- end}}
</section>

<section aria-labelledby="scenario">
<h2 id="scenario">Scenario</h2>
{{- if .TOML}}
<details>
<summary>The complete resolved scenario (TOML)</summary>
<pre><code>{{.TOML}}</code></pre>
</details>
{{- else}}
<p>The scenario was not recorded.</p>
{{- end}}
</section>

<section aria-labelledby="provenance">
<h2 id="provenance">Provenance</h2>
{{- if .Provenance}}
<dl class="prov">
{{- range .Provenance}}
<dt>{{.Key}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- else}}
<p>No provenance was recorded.</p>
{{- end}}
</section>

<footer>
<p>Written by ripple. This page is self-contained: its figures are embedded and it loads nothing from the network.</p>
</footer>
</main>
</body>
</html>
`
