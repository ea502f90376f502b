module liter-llm/bench/load-generator

go 1.22
