//go:build unix && !linux

package literllm

import (
	"os/exec"
	"syscall"
)

// setEngineProcessAttributes puts the engine in its own process group; without a parent-death
// signal on this platform, the end of its stdin is what ends it when this process dies.
func setEngineProcessAttributes(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
