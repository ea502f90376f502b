module liter-llm/bench/bindings/go-nethttp

go 1.22

require liter-llm/bench/bindings/go-driver v0.0.0

replace liter-llm/bench/bindings/go-driver => ../go-driver
