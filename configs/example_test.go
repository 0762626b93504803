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
