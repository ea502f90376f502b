// The conformance vectors (conformance/vectors/) through liter-llm/client against the harness's gateway.
import { runConformance } from './conformance/run-conformance.js';

runConformance('http');
