//go:build unix

package literllm

import (
	"os/exec"
	"syscall"
)

// killEngineProcess ends the engine and its process group at once.
func killEngineProcess(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}

// killEngineGroup ends whatever is left in the engine's process group (ESRCH when nothing is).
func killEngineGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
