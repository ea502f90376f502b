module github.com/liter-llm/liter-llm/go

go 1.22
