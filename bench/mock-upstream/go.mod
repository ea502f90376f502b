module liter-llm/bench/mock-upstream

go 1.22
