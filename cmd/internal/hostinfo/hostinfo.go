// Package hostinfo describes the machine a benchmark ran on, for the
// header of its figures: numbers mean little without the CPU behind them.
package hostinfo

import (
	"os"
	"strings"
)

// CPUModel is the processor's name as Linux reports it in /proc/cpuinfo
// ("model name"), or "" where that is unknown (another system, or a CPU
// without the field). Each tool picks its own word for the unknown case.
func CPUModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	return modelName(string(raw))
}

// modelName is the first "model name" value of a /proc/cpuinfo text.
func modelName(cpuinfo string) string {
	for line := range strings.SplitSeq(cpuinfo, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}
