package hostinfo

import "testing"

func TestModelNameTakesTheFirstProcessorsName(t *testing.T) {
	cpuinfo := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n\n" +
		"processor\t: 1\nmodel name\t: Another CPU\n"
	if got := modelName(cpuinfo); got != "AMD EPYC 7B13" {
		t.Fatalf("modelName = %q, want %q", got, "AMD EPYC 7B13")
	}
}

func TestModelNameIsEmptyWithoutTheField(t *testing.T) {
	// "model" alone (every x86 CPU has it) is not the name.
	if got := modelName("processor\t: 0\nmodel\t\t: 1\nHardware\t: BCM2835\n"); got != "" {
		t.Fatalf("modelName = %q, want empty", got)
	}
}
