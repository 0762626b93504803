package configs_test

import (
	"fmt"

	"github.com/ripple-sim/ripple/configs"
)

func ExampleParse() {
	file := `
[levers]
sanction_level = "S3"
transparency = 0.5

[[event]]
type = "incident"
date = 2025-11-29
accounts = 33.7e6
`
	sc, err := configs.Parse("tiny.toml", []byte(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Levers.SanctionLevel, sc.Levers.Transparency, sc.Levers.InvestigationDays)
	fmt.Println(sc.Events[0].Type, sc.Events[0].Accounts, sc.Events[0].Sens)

	_, err = configs.Parse("bad.toml", []byte("[levers]\nsanction_levle = \"S3\"\ntransparency = 1.5\n"))
	fmt.Println(err)
	// Output:
	// 3 0.5 73
	// incident 3.37e+07 1
	// bad.toml:2: levers.sanction_levle: unknown key (did you mean sanction_level?)
	// bad.toml:3: levers.transparency = 1.5: must be between 0 and 1
}

func ExampleParseExperiment() {
	file := `
[experiment]
name = "ladder"
base = "kr_coupang_2025"
replicates = 10

[grid]
"levers.sanction_level" = ["S1", "S3"]
"levers.investigation_days" = [73, 180]
"trust.j_d" = [0.1, 0.2]
`
	e, err := configs.ParseExperiment("ladder.toml", []byte(file), "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for p, pt := range e.Design.Points {
		for l, ls := range pt.LeverSets {
			fmt.Println(ls.Name, e.Settings[p][l][2].Text)
		}
	}

	_, err = configs.ParseExperiment("bad.toml", []byte(`
[experiment]
name = "bad"
base = "kr_coupang_2025"
replicates = 10
[grid]
"levers.sanction_levle" = ["S1"]
"levers.investigation_days" = [0, 73]
[sample]
points = 8
[sample.ranges]
"levers.transparency" = [0, 1]
`), "")
	fmt.Println(err)
	// Output:
	// p0/case 0.1
	// p0/sanction_level=S1,investigation_days=180 0.1
	// p0/sanction_level=S3,investigation_days=73 0.1
	// p0/sanction_level=S3,investigation_days=180 0.1
	// p1/case 0.2
	// p1/sanction_level=S1,investigation_days=180 0.2
	// p1/sanction_level=S3,investigation_days=73 0.2
	// p1/sanction_level=S3,investigation_days=180 0.2
	// bad.toml:7: grid.levers.sanction_levle: unknown scenario key (did you mean sanction_level?)
	// bad.toml:8: grid.levers.investigation_days = 0: must be a whole number between 1 and 36525 (days)
	// bad.toml:12: sample.ranges.levers.transparency = [0, 1]: levers cannot be sampled: sample levers with [grid] (they make lever sets, not parameter points)
}
