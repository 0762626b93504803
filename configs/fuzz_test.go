package configs

import (
	"reflect"
	"strings"
	"testing"
)

func FuzzLoadScenario(f *testing.F) {
	preset, _ := PresetTOML(kr)
	p := string(preset)
	f.Add(preset)
	f.Add([]byte(""))
	for _, cut := range []int{10, 500, 1500, 4000, 6000, 9000, 14000, 19000, 23000, len(p) - 7} {
		if cut > 0 && cut < len(p) {
			f.Add([]byte(p[:cut]))
		}
	}
	for _, r := range [][2]string{
		{`sanction_level = "S1"`, `sanction_levle = "S1"`},
		{`r0 = 0.0038`, `r0 = "0.0038`},
		{`consumers = 100_000`, `consumers = 1.5`},
		{`type = "apology"`, "type = \"apology\"\ndate = 2025-12-28"},
		{`type = "probe_open"`, `type = "findings"`},
		{`date = 2025-12-17`, `date = 2027-12-17`},
		{`accounts = 4500`, `accounts = -1`},
		{`[[event]]`, `[event]`},
		{`shares = [0.5, 0.3, 0.2]`, `shares = [0.5, 0.3, "x"]`},
		{`mode = "config"`, `mode = "complete"`},
		{`follow_up = false`, `follow_up = true`},
		{"[levers]", "[levers]\nsuspension_days = 30\nsuspension_scope = \"all\""},
		{`l_window = 30`, `l_window = 40`},
		{`k = 340`, `k = -1`},
		{`dep_mean = 0.6`, `dep_mean = 1`},
		{`vto_windows = [[2025-12-01, 2026-01-15]]`, `vto_windows = []`},
		{`vto_windows = [[2025-12-01, 2026-01-15]]`, `vto_windows = [[2025-12-01, 2026-01-15], [2026-02-01, 2026-01-20]]`},
		{`merchant_base = [2025-10-01, 2025-11-28]`, `merchant_base = ["2025-10-01", 2027-11-28]`},
	} {
		f.Add([]byte(strings.Replace(p, r[0], r[1], 1)))
	}
	f.Add([]byte("event = [{type = \"info\", date = 2025-10-01}, {type = \"hearing\", date = 2025-12-01, media = 1}]"))
	f.Add([]byte("[scenario]\nname = \"a\\u0000b\\\"c\"\n[trust]\nr0 = -0.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.toml", data)
		if err != nil {
			return
		}
		enc, err := Encode(sc)
		if err != nil {
			t.Fatalf("Encode of a parsed scenario: %v", err)
		}
		back, err := Parse("fuzz.toml", enc)
		if err != nil {
			t.Fatalf("Parse(Encode(sc)): %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(back, sc) {
			t.Fatalf("Parse(Encode(sc)) != sc\n got %+v\nwant %+v", back, sc)
		}
	})
}
