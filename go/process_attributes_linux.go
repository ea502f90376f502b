package literllm

import (
	"os/exec"
	"syscall"
)

// setEngineProcessAttributes puts the engine in its own process group (a Ctrl-C in the terminal
// reaches this program, which cancels its calls, not the engine directly) and has the kernel
// SIGKILL it if this process dies without closing its stdin.
func setEngineProcessAttributes(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
