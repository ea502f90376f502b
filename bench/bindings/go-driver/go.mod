module liter-llm/bench/bindings/go-driver

go 1.22
