package sim

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection keeps ARCHITECTURE.md §2's one-way imports:
// sim/rng -> agents -> sim -> {configs, plots, output, ...} -> cmd/ripple.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/ripple-sim/ripple/"
	forbidden := map[string][]string{
		"sim/rng": {mod + "agents", mod + "sim", mod + "configs", mod + "plots", mod + "cmd"},
		"agents":  {mod + "sim", mod + "configs", mod + "plots", mod + "cmd"},
		"sim": {mod + "configs", mod + "plots", mod + "sim/output", mod + "cmd",
			"github.com/BurntSushi/toml", "gonum.org/v1/plot"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				// sim's sub-packages (sim/rng) sit below everything; sim itself does not.
				if dep == b || (strings.HasPrefix(dep, b+"/") && b != mod+"sim") {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		}
	}
}
