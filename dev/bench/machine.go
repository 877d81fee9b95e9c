package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine is what the bench ran on.
type Machine struct {
	CPU         string // model name
	Cores       int    // logical CPUs
	MemoryBytes int64
	OS          string // e.g. "Debian GNU/Linux 12 (bookworm)"
	Kernel      string
	Arch        string
	Go          string // the Go that built the bench and the providers
	CLI         string // e.g. "Terraform v1.11.4"
	Date        time.Time
	// LoadStart and LoadEnd are the load averages (1, 5, 15 minutes) at the
	// start and the end: other work on the machine skews the figures.
	LoadStart, LoadEnd string
	// Source is the commit the providers were built from, and whether the
	// working tree had uncommitted changes.
	Source string
	// OtherCPU is the share of the machine's CPU capacity that processes
	// other than the bench and its children used during the run (0 to 1;
	// -1: not measured). Unlike the load average, it does not count the
	// bench's own threads.
	OtherCPU float64
}

func readMachine() Machine {
	m := Machine{
		Cores:     runtime.NumCPU(),
		Arch:      runtime.GOOS + "/" + runtime.GOARCH,
		Go:        runtime.Version(),
		Date:      time.Now(),
		OS:        runtime.GOOS,
		LoadStart: loadAverage(),
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = procField(data, "model name", ':')
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemoryBytes = parseMemTotal(data)
	}
	if data, err := os.ReadFile("/etc/os-release"); err == nil {
		if v := procField(data, "PRETTY_NAME", '='); v != "" {
			m.OS = strings.Trim(v, `"`)
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if m.CPU == "" {
		m.CPU = "unknown CPU"
	}
	return m
}

// gitSource describes the checkout at root: "commit 04b4b8b" and, when the
// tree differs from it, how many files do; "" when git cannot tell.
func gitSource(ctx context.Context, root string) string {
	head, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	src := "commit " + strings.TrimSpace(string(head))
	if status, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain").Output(); err == nil {
		if lines := strings.TrimRight(string(status), "\n"); lines != "" {
			src += fmt.Sprintf(", with uncommitted changes in %d files", strings.Count(lines, "\n")+1)
		}
	}
	return src
}

// Summary is the machine on one line.
func (m Machine) Summary() string {
	return fmt.Sprintf("%s, %d cores, %s memory; %s (%s, kernel %s); %s; load average %s",
		m.CPU, m.Cores, gib(m.MemoryBytes), m.OS, m.Arch, m.Kernel, m.Go, m.LoadStart)
}

// procField returns the value of the first "name<sep> value" line.
func procField(data []byte, name string, sep byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), string(sep))
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// parseMemTotal reads MemTotal (kB) from /proc/meminfo, in bytes.
func parseMemTotal(data []byte) int64 {
	f := strings.Fields(procField(data, "MemTotal", ':'))
	if len(f) == 0 {
		return 0
	}
	kb, _ := strconv.ParseInt(f[0], 10, 64)
	return kb << 10
}

// loadAverage is the 1, 5 and 15-minute load averages ("?" outside Linux).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// busyCPU is the CPU time the whole machine has spent busy (every state of
// the first line of /proc/stat but idle and iowait), 0 outside Linux.
func busyCPU() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	return parseBusy(data)
}

// parseBusy reads the "cpu" line of /proc/stat: user nice system idle iowait
// irq softirq steal ..., in clock ticks.
func parseBusy(data []byte) time.Duration {
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * time.Second / clockTicks
}

// foreignLoad measures how much CPU other processes used during a bench:
// the machine's busy time minus this process's and its children's.
type foreignLoad struct {
	start            time.Time
	busy, self, kids time.Duration
}

func startForeignLoad() foreignLoad {
	return foreignLoad{start: time.Now(), busy: busyCPU(), self: selfCPU(), kids: childrenCPU()}
}

// share is the other processes' CPU as a share of the machine's capacity
// since start (0 to 1), or -1 when it cannot be measured.
func (f foreignLoad) share(cores int) float64 {
	busy := busyCPU() - f.busy
	if f.busy == 0 || busy <= 0 {
		return -1
	}
	ours := (selfCPU() - f.self) + (childrenCPU() - f.kids)
	capacity := time.Since(f.start).Seconds() * float64(cores)
	return max(0, (busy-ours).Seconds()/capacity)
}
