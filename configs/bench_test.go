package configs

import "testing"

func BenchmarkParsePreset(b *testing.B) {
	data, _ := PresetTOML(kr)
	for b.Loop() {
		if _, err := Parse(kr, data); err != nil {
			b.Fatal(err)
		}
	}
}
