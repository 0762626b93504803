package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the ripple command: with
// RIPPLE_TEST_MAIN set it runs main, so tests can kill a real child process.
func TestMain(m *testing.M) {
	if os.Getenv("RIPPLE_TEST_MAIN") != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// proc is a child ripple process; done is closed when it has exited.
type proc struct {
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan struct{}
}

// child starts ripple with args as a separate process.
func child(t *testing.T, args ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "RIPPLE_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd, &stderr, make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	return p
}

// units counts the finished unit files under dir.
func units(dir string) int {
	n := 0
	filepath.WalkDir(filepath.Join(dir, "replicates"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".bin") {
			n++
		}
		return nil
	})
	return n
}

// waitFor polls cond until it holds, or the child exits, or a minute passes.
func (p *proc) waitFor(cond func() bool) bool {
	for range 6000 {
		if cond() {
			return true
		}
		select {
		case <-p.done:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return false
}

// dataFiles reads every file of an output but the manifest and report, which
// record wall times and worker counts.
func dataFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "manifest.json" || rel == "report.html" {
			return nil
		}
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s: %s differs from the uninterrupted run's", what, name)
		}
	}
}

// TestKillResume kills a real `ripple run` with SIGKILL at several moments
// (after the first replicate, in the middle, while the tables are being
// assembled), then finishes it with -resume: the files must be those of an
// uninterrupted run. Ctrl-C (SIGINT) keeps the finished replicates, marks
// the output incomplete and says how to resume.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation several times")
	}
	args := []string{"run", "-consumers", "3000", "-replicates", "6", "-seed", "4", "-workers", "2", "-no-figures", "-quiet"}
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := call(append(args, "-out", ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
	}
	want := dataFiles(t, ref)

	for _, tc := range []struct {
		name string
		kill func(out string) bool // when to kill
	}{
		{"after the first replicate", func(out string) bool { return units(out+".partial") >= 1 }},
		{"in the middle", func(out string) bool { return units(out+".partial") >= 3 }},
		{"while assembling", func(out string) bool {
			_, err := os.Stat(filepath.Join(out+".partial", "daily.csv"))
			m, _ := filepath.Glob(filepath.Join(out+".partial", "*.tmp*"))
			return err == nil || len(m) > 0 || units(out+".partial") == 6
		}},
	} {
		out := filepath.Join(t.TempDir(), "out")
		p := child(t, append(args, "-out", out)...)
		if !p.waitFor(func() bool { return tc.kill(out) }) {
			t.Logf("%s: the run ended before the kill (%s)", tc.name, p.log)
		}
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		if _, err := os.Stat(out); err == nil {
			if _, perr := os.Stat(out + ".partial"); perr == nil {
				t.Errorf("%s: both %s and its .partial exist", tc.name, out)
			}
		}
		code, _, stderr := call(append(args, "-out", out, "-resume")...)
		if code != 0 {
			t.Fatalf("%s: resume: exit %d: %s", tc.name, code, stderr)
		}
		sameFiles(t, tc.name, dataFiles(t, out), want)
		if _, err := os.Stat(out + ".partial"); err == nil {
			t.Errorf("%s: %s.partial left behind", tc.name, out)
		}
	}

	// Ctrl-C: exit 130, the finished replicates kept, the manifest incomplete.
	out := filepath.Join(t.TempDir(), "out")
	p := child(t, append(args, "-out", out)...)
	p.waitFor(func() bool { return units(out+".partial") >= 2 })
	p.cmd.Process.Signal(os.Interrupt)
	<-p.done
	if code := p.cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("Ctrl-C: exit %d, want 130: %s", code, p.log)
	}
	if !strings.Contains(p.log.String(), "-resume") {
		t.Errorf("Ctrl-C: the message does not say how to resume: %q", p.log)
	}
	m, err := os.ReadFile(filepath.Join(out+".partial", "manifest.json"))
	if err != nil || !strings.Contains(string(m), `"complete": false`) {
		t.Errorf("Ctrl-C: the partial manifest is not marked incomplete (%v)", err)
	}
	if n := units(out + ".partial"); n < 2 {
		t.Errorf("Ctrl-C: %d finished replicates kept, want at least 2", n)
	}
	// Without -resume the partial output is not thrown away.
	if code, _, stderr := call(append(args, "-out", out)...); code != 1 || !strings.Contains(stderr, "-resume") {
		t.Errorf("a new run over the partial output: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := call(append(args, "-out", out, "-resume")...); code != 0 {
		t.Fatalf("resume after Ctrl-C: exit %d: %s", code, stderr)
	}
	sameFiles(t, "Ctrl-C", dataFiles(t, out), want)
	// A complete output: -resume has nothing to do.
	if code, stdout, _ := call(append(args, "-out", out, "-resume")...); code != 0 || !strings.Contains(stdout, "already complete") {
		t.Errorf("resume of a complete output: exit %d, stdout %q", code, stdout)
	}
}

// TestShardMerge runs a batch as three shards and merges them: the same
// files as the whole batch on one machine. A missing shard is named.
func TestShardMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	args := []string{"run", "-consumers", "2500", "-replicates", "5", "-seed", "9", "-quiet"}
	dir := t.TempDir()
	if code, _, stderr := call(append(args, "-out", filepath.Join(dir, "whole"))...); code != 0 {
		t.Fatalf("whole: exit %d: %s", code, stderr)
	}
	var shards []string
	for i, shard := range []string{"0/3", "1/3", "2/3"} {
		s := filepath.Join(dir, "shard"+string(rune('0'+i)))
		if code, _, stderr := call(append(args, "-shard", shard, "-out", s)...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", shard, code, stderr)
		}
		shards = append(shards, s)
	}
	if code, _, stderr := call("merge", "-out", filepath.Join(dir, "merged"), shards[0], shards[2]); code != 1 || !strings.Contains(stderr, "shard 1") {
		t.Errorf("merge without shard 1: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := call(append([]string{"merge", "-out", filepath.Join(dir, "merged")}, shards...)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	sameFiles(t, "merged", dataFiles(t, filepath.Join(dir, "merged")), dataFiles(t, filepath.Join(dir, "whole")))
}

func TestShardOf(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		flag     string
		env      func(string) string
		i, n     int
		from     string
		errorHas string
	}{
		{flag: "", env: env(), i: 0, n: 0},
		{flag: "2/4", env: env(), i: 2, n: 4},
		{flag: "", env: env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4"), i: 3, n: 4, from: "SLURM_ARRAY_TASK_ID"},
		{flag: "", env: env("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "2"), i: 3, n: 4, from: "SLURM_ARRAY_TASK_ID"},
		{flag: "1/2", env: env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4"), i: 1, n: 2},
		{flag: "/8", env: env("JOB_COMPLETION_INDEX", "7"), i: 7, n: 8, from: "JOB_COMPLETION_INDEX"},
		{flag: "/8", env: env(), errorHas: "JOB_COMPLETION_INDEX is not set"},
		{flag: "4/4", env: env(), errorHas: "from 0 to 3"},
		{flag: "x", env: env(), errorHas: "want I/N"},
		{flag: "", env: env("SLURM_ARRAY_TASK_ID", "9", "SLURM_ARRAY_TASK_COUNT", "4"), errorHas: "contiguous array"},
	} {
		s, from, err := shardOf(tc.flag, tc.env)
		if tc.errorHas != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errorHas) {
				t.Errorf("shardOf(%q): error %v, want one with %q", tc.flag, err, tc.errorHas)
			}
			continue
		}
		if err != nil || s.Index != tc.i || s.Count != tc.n || from != tc.from {
			t.Errorf("shardOf(%q) = %d/%d from %q, %v; want %d/%d from %q", tc.flag, s.Index, s.Count, from, err, tc.i, tc.n, tc.from)
		}
	}
}

// TestSweepKillResume: the same for `ripple sweep`, killed after its first
// unit (twin and every lever set of a replicate).
func TestSweepKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulation")
	}
	args := []string{"sweep", "-consumers", "3000", "-replicates", "3", "-seed", "2", "-workers", "1", "-no-figures", "-quiet"}
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := call(append(args, "-out", ref, "voucher_designs")...); code != 0 {
		t.Fatalf("uninterrupted sweep: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "out")
	p := child(t, append(args, "-out", out, "voucher_designs")...)
	if !p.waitFor(func() bool { return units(out+".partial") >= 1 }) {
		t.Logf("the sweep ended before the kill (%s)", p.log)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	if code, _, stderr := call(append(args, "-out", out, "-resume", "voucher_designs")...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	sameFiles(t, "sweep", dataFiles(t, out), dataFiles(t, ref))
}
