//go:build !unix

package literllm

import "os/exec"

func setEngineProcessAttributes(*exec.Cmd) {}

func killEngineProcess(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

func killEngineGroup(int) {}
