package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat; 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// procStatus is what the bench reads from /proc/PID/status (sizes in bytes).
type procStatus struct {
	RSS, HWM int64 // VmRSS (resident now), VmHWM (peak resident)
}

// parseStatus reads VmRSS and VmHWM from the text of /proc/PID/status.
func parseStatus(data []byte) (procStatus, error) {
	var st procStatus
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return st, fmt.Errorf("unexpected %s line %q", name, sc.Text())
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		if name == "VmRSS" {
			st.RSS = kb << 10
		} else {
			st.HWM = kb << 10
		}
		found++
	}
	if found < 2 {
		return st, errors.New("no VmRSS and VmHWM (a kernel thread, or a process that has exited)")
	}
	return st, nil
}

// procStat is what the bench reads from /proc/PID/stat.
type procStat struct {
	Comm string        // executable name, truncated by the kernel to 15 bytes
	PPID int           // parent
	CPU  time.Duration // user + system time so far
}

// parseStat reads /proc/PID/stat: "pid (comm) state ppid ... utime stime ...".
// comm may itself contain spaces and parentheses, so it ends at the last ")".
func parseStat(data []byte) (procStat, error) {
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("malformed stat %q", s)
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("short stat %q", s)
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, fmt.Errorf("stat %q: %w", s, err)
	}
	return procStat{
		Comm: s[open+1 : end],
		PPID: ppid,
		CPU:  time.Duration(utime+stime) * time.Second / clockTicks,
	}, nil
}

// parseChildren reads /proc/PID/task/TID/children: PIDs separated by spaces.
func parseChildren(data []byte) []int {
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// isProvider reports whether a process name (as the kernel truncates it) is
// a Terraform provider plugin: terraform-provider-*.
func isProvider(comm string) bool {
	const prefix = "terraform-provider-"
	n := min(len(comm), len(prefix))
	return n >= 15 && comm[:n] == prefix[:n]
}

// ProcUsage is what a Sampler saw of a Terraform command and its providers.
type ProcUsage struct {
	CorePeakRSS     int64         // the CLI's own VmHWM, bytes
	ProviderPeakRSS int64         // largest VmHWM of any provider process, bytes
	ProviderProcs   int           // provider processes seen
	ProviderCPU     time.Duration // their CPU time, as last sampled
}

// Sampler polls /proc every interval for the CLI process and its provider
// children, remembering each one's peak resident memory (VmHWM) and CPU
// time. VmHWM only grows, so the last sample before a process exits holds
// its peak up to that moment. Outside Linux it sees nothing.
type Sampler struct {
	pid      int
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}

	mu        sync.Mutex
	core      int64
	providers map[int]*providerSeen
}

type providerSeen struct {
	hwm int64
	cpu time.Duration
}

// StartSampler starts polling the process pid.
func StartSampler(pid int, interval time.Duration) *Sampler {
	s := &Sampler{pid: pid, interval: interval, stop: make(chan struct{}), done: make(chan struct{}),
		providers: map[int]*providerSeen{}}
	s.sample()
	go s.loop()
	return s
}

func (s *Sampler) loop() {
	defer close(s.done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sample()
		}
	}
}

// sample reads the CLI's status and that of each provider child.
func (s *Sampler) sample() {
	proc := "/proc/" + strconv.Itoa(s.pid)
	if data, err := os.ReadFile(proc + "/status"); err == nil {
		if st, err := parseStatus(data); err == nil {
			s.mu.Lock()
			s.core = max(s.core, st.HWM)
			s.mu.Unlock()
		}
	}
	for _, child := range s.children(proc) {
		base := "/proc/" + strconv.Itoa(child)
		data, err := os.ReadFile(base + "/stat")
		if err != nil {
			continue
		}
		stat, err := parseStat(data)
		if err != nil || stat.PPID != s.pid || !isProvider(stat.Comm) {
			continue
		}
		data, err = os.ReadFile(base + "/status")
		if err != nil {
			continue
		}
		st, err := parseStatus(data)
		if err != nil {
			continue
		}
		s.mu.Lock()
		p := s.providers[child]
		if p == nil {
			p = &providerSeen{}
			s.providers[child] = p
		}
		p.hwm = max(p.hwm, st.HWM)
		p.cpu = max(p.cpu, stat.CPU)
		s.mu.Unlock()
	}
}

// children lists the process's children: from the children file of each of
// its threads (a Go program forks from any thread).
func (s *Sampler) children(proc string) []int {
	tasks, _ := filepath.Glob(proc + "/task/*/children")
	var pids []int
	for _, f := range tasks {
		if data, err := os.ReadFile(f); err == nil {
			pids = append(pids, parseChildren(data)...)
		}
	}
	return pids
}

// Stop stops polling and returns what it saw.
func (s *Sampler) Stop() ProcUsage {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	u := ProcUsage{CorePeakRSS: s.core, ProviderProcs: len(s.providers)}
	for _, p := range s.providers {
		u.ProviderPeakRSS = max(u.ProviderPeakRSS, p.hwm)
		u.ProviderCPU += p.cpu
	}
	return u
}
