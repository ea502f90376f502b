module liter-llm/bench/bindings/go-stdio

go 1.22

require (
	github.com/liter-llm/liter-llm/go v0.0.0
	liter-llm/bench/bindings/go-driver v0.0.0
)

replace (
	github.com/liter-llm/liter-llm/go => ../../../go
	liter-llm/bench/bindings/go-driver => ../go-driver
)
